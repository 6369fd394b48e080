// Graph searches over an adjacency map: breadth-first paths, Dijkstra and topological order.

export type Graph<N> = ReadonlyMap<N, ReadonlyArray<readonly [N, number]>>;

export function shortestHops<N>(graph: Graph<N>, from: N, to: N): N[] | null {
  const previous = new Map<N, N | null>([[from, null]]);
  const queue: N[] = [from];
  search: while (queue.length > 0) {
    const node = queue.shift()!;
    for (const [next] of graph.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      if (next === to) break search;
      queue.push(next);
    }
  }
  if (!previous.has(to)) return null;
  const path: N[] = [];
  for (let node: N | null | undefined = to; node != null; node = previous.get(node)) path.unshift(node);
  return path;
}

export function dijkstra<N>(graph: Graph<N>, source: N): Map<N, number> {
  const distance = new Map<N, number>([[source, 0]]);
  const done = new Set<N>();
  while (true) {
    let current: N | undefined;
    let best = Infinity;
    for (const [node, d] of distance) if (!done.has(node) && d < best) [current, best] = [node, d];
    if (current === undefined) return distance;
    done.add(current);
    for (const [next, weight] of graph.get(current) ?? []) {
      if (weight < 0) throw new RangeError("dijkstra needs non-negative weights");
      const candidate = best + weight;
      if (candidate < (distance.get(next) ?? Infinity)) distance.set(next, candidate);
    }
  }
}

export function topologicalOrder<N>(graph: Graph<N>): N[] {
  const state = new Map<N, "visiting" | "done">();
  const order: N[] = [];
  const visit = (node: N, trail: N[]): void => {
    const seen = state.get(node);
    if (seen === "done") return;
    if (seen === "visiting") throw new Error(`cycle: ${[...trail, node].join(" -> ")}`);
    state.set(node, "visiting");
    for (const [next] of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, "done");
    order.push(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return order.reverse();
}

export const fromEdges = <N,>(edges: Iterable<readonly [N, N, number?]>): Graph<N> => {
  const graph = new Map<N, Array<readonly [N, number]>>();
  for (const [a, b, weight = 1] of edges) {
    if (!graph.has(b)) graph.set(b, []);
    (graph.get(a) ?? graph.set(a, []).get(a)!).push([b, weight]);
  }
  return graph;
};
