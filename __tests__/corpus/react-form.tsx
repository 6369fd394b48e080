import React, { useState, type FormEvent } from "react";

export interface SignupValues {
  email: string;
  password: string;
  newsletter: boolean;
}

type Errors = Partial<Record<keyof SignupValues, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

/* @chaud.hot */
export function validate(values: SignupValues): Errors {
  const errors: Errors = {};
  if (!EMAIL.test(values.email)) errors.email = "Enter a valid e-mail address";
  if (values.password.length < 10) errors.password = `At least 10 characters (${values.password.length} so far)`;
  return errors;
}

/* @chaud.persist */
export const defaults = { email: "", password: "", newsletter: true } satisfies SignupValues;

interface Props {
  onSubmit(values: SignupValues): Promise<void>;
}

export function SignupForm({ onSubmit }: Props) {
  const [values, setValues] = useState<SignupValues>(defaults);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const update = <K extends keyof SignupValues>(key: K, value: SignupValues[K]) =>
    setValues((previous) => ({ ...previous, [key]: value }));

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await onSubmit(values);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <label>
        E-mail
        <input type="email" value={values.email} onChange={(e) => update("email", e.target.value)} />
      </label>
      {errors.email && <p className="error">{errors.email}</p>}
      <label>
        Password
        <input type="password" value={values.password} onChange={(e) => update("password", e.target.value)} />
      </label>
      {errors.password ? <p className="error">{errors.password}</p> : null}
      <label>
        <input type="checkbox" checked={values.newsletter} onChange={(e) => update("newsletter", e.target.checked)} />
        Send me the newsletter
      </label>
      <button type="submit" disabled={busy}>
        {busy ? "Signing up…" : "Sign up"}
      </button>
    </form>
  );
}
