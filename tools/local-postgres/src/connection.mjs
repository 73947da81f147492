// @ts-check
/** How clients reach the server, in the two forms libpq understands. */

/**
 * @typedef {object} ConnectionInfo
 * @property {string} host
 * @property {number} port
 * @property {string} user
 * @property {string} database
 * @property {string} connectionString  libpq keyword/value form, e.g. `dbname=fluxo host=127.0.0.1 port=55432 user=postgres`:
 *                                      what DuckDB's postgres extension and `ATTACH 'ducklake:postgres:…'` take
 * @property {string} url               the same as a URI, e.g. `postgres://postgres@127.0.0.1:55432/fluxo`
 */

/**
 * @param {{ host: string, port: number, user: string, database: string }} target
 * @returns {ConnectionInfo}
 */
export function connectionInfo({ host, port, user, database }) {
  return {
    host,
    port,
    user,
    database,
    connectionString: `dbname=${database} host=${host} port=${port} user=${user}`,
    url: `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(database)}`,
  };
}
