/**
 * `${env:NAME}` in a definition's request URL query, parameters or headers: a secret (an API key)
 * taken from the environment when the source starts, so definitions can be committed without it.
 * A missing variable is a configuration error naming the variable and where it is used.
 */
const ENV_PLACEHOLDER = /\$\{env:([A-Z_][A-Z0-9_]*)\}/g;
const ANY_DOLLAR_BRACE = /\$\{[^}]*\}?/g;

/** Names of the variables a text refers to. */
export function envPlaceholders(text: string): string[] {
  return [...text.matchAll(ENV_PLACEHOLDER)].map((match) => match[1] ?? '');
}

/** `${…}` forms that are not `${env:NAME}` (NAME: uppercase letters, digits, `_`): one problem each. */
export function envPlaceholderProblems(text: string): string[] {
  return [...text.matchAll(ANY_DOLLAR_BRACE)]
    .map((match) => match[0])
    .filter((found) => !/^\$\{env:[A-Z_][A-Z0-9_]*\}$/.test(found))
    .map((found) => `"${found}" is not a valid placeholder: write \${env:NAME} with NAME in uppercase letters, digits and "_"`);
}

/** Replaces every placeholder with its variable (encoded by `encode`); `missing` collects unset names. */
export function resolveEnvPlaceholders(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  missing: Set<string>,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(ENV_PLACEHOLDER, (_, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return '';
    }
    return encode(value);
  });
}
