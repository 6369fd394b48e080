import { useEffect, useRef, useState, useSyncExternalStore } from "react";

export interface FetchState<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

/* @chaud.persist */
const responseCache = new Map<string, unknown>();

/* @chaud.hot */
export const useFetch = <T,>(url: string | null, init?: RequestInit): FetchState<T> => {
  const [state, setState] = useState<FetchState<T>>(() =>
    url && responseCache.has(url) ? { data: responseCache.get(url) as T, loading: false } : { loading: url !== null },
  );
  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    fetch(url, { ...init, signal: controller.signal })
      .then((response) => (response.ok ? (response.json() as Promise<T>) : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((data) => {
        responseCache.set(url, data);
        setState({ data, loading: false });
      })
      .catch((error: Error) => error.name !== "AbortError" && setState({ error, loading: false }));
    return () => controller.abort();
  }, [url]);
  return state;
};

/* @chaud.hot */
export function useInterval(callback: () => void, delayMs: number | null): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (delayMs === null) return;
    const id = setInterval(() => saved.current(), delayMs);
    return () => clearInterval(id);
  }, [delayMs]);
}

const subscribeOnline = (notify: () => void) => {
  window.addEventListener("online", notify);
  window.addEventListener("offline", notify);
  return () => {
    window.removeEventListener("online", notify);
    window.removeEventListener("offline", notify);
  };
};

export const useOnline = (): boolean => useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);

export function OnlineBadge({ label = "status" }: { label?: string }) {
  const online = useOnline();
  return (
    <span className={online ? "badge ok" : "badge offline"} title={label}>
      {online ? "online" : "offline"}
    </span>
  );
}
