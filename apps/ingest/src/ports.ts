/** Keeps inputs that could not be processed, returning their lake URI. */
export interface Quarantine {
  /** `body` in memory, or a (large) body spooled to a file, which is moved. */
  keep(input: { readonly source: string; readonly at: Date; readonly stem: string; readonly body: Buffer | { readonly path: string } }): Promise<string>;
}
