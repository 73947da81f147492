import { PipelineHarness } from '@fluxo/e2e-harness';
import { runRecordedApi } from './support/real-api';

/**
 * Issue 10, paging: GitHub's issues API as recorded by octokit/fixtures (2022-07-19), five pages
 * linked by `Link: <…>; rel="next"` headers; a token from GITHUB_TOKEN goes in the Authorization
 * header. All pages of a poll go into one raw file; later polls announce nothing new.
 */
describe('GitHub issues: Link-header pagination', () => {
  let pipeline: PipelineHarness;
  beforeAll(async () => {
    pipeline = await PipelineHarness.create('github');
  });
  afterAll(async () => pipeline.close());

  it('curates all 13 issues of the 5 recorded pages exactly, in one raw file', async () => {
    await runRecordedApi(pipeline, {
      example: 'github-issues',
      source: 'github-issues',
      dataset: 'github_issues',
      path: '/repos/octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe/issues',
      rows: 13,
      env: { GITHUB_TOKEN: 'e2e-token' },
    });
    const rows = await pipeline.curatedRows<Record<string, unknown>>('github_issues', 'issue_id, number, title, state, author, comments, created_at, updated_at', 'ORDER BY number');
    const created = ['38:40', '38:43', '38:46', '38:49', '38:52', '38:55', '38:58', '39:01', '39:04', '39:07', '39:10', '39:13', '39:16'];
    const ids = [1308968677, 1308968698, 1308968735, 1308968769, 1308968800, 1308968829, 1308968854, 1308968889, 1308968920, 1308968954, 1308968990, 1308969023, 1308969059];
    expect(rows).toEqual(
      ids.map((id, i) => ({
        issue_id: String(id),
        number: i + 1,
        title: `Test issue ${i + 1}`,
        state: 'open',
        author: 'octokit-fixture-user-a',
        comments: 0,
        created_at: `2022-07-19T04:${created[i]}.000Z`,
        updated_at: `2022-07-19T04:${created[i]}.000Z`,
      })),
    );
    expect((await pipeline.references('raw')).map((r) => r.rows)).toEqual([13]);
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
