/**
 * The S3 lake settings of issue 12 part 4, which the compose profile "scale" and
 * docs/outgrowing-one-machine.md use: their names were agreed with the branch that adds them to
 * libs/schema (s3). Until libs/schema declares them they are accepted by name; compose.spec.ts's test
 * "accepts the S3 lake names only until libs/schema declares them" fails as soon as one is declared,
 * so this stand-in is deleted on that merge and the real settings are checked instead.
 */
export const S3_LAKE_SETTINGS_PENDING: readonly string[] = ['FLUXO_LAKE_ROOT', 'FLUXO_S3_ENDPOINT', 'FLUXO_S3_REGION', 'FLUXO_S3_URL_STYLE'];
