import { SseParser } from './sse-parser';

const parseAll = (chunks: (string | Buffer)[], max = 1024) => {
  const parser = new SseParser(max);
  return chunks.flatMap((chunk) => parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
};

describe('SseParser', () => {
  it('parses event, id and multi-line data, and dispatches on a blank line', () => {
    expect(parseAll(['event: message\nid: [{"offset":1}]\ndata: {"a":\ndata: 1}\n\n'])).toEqual([
      { kind: 'message', type: 'message', data: '{"a":\n1}', id: '[{"offset":1}]' },
    ]);
  });

  it('accepts CRLF, CR and LF line ends, split anywhere between chunks', () => {
    const text = 'data: one\r\n\r\ndata: two\r\rdata: three\n\n';
    const whole = parseAll([text]);
    const byteByByte = parseAll(text.split(''));
    expect(whole.map((item) => item.kind === 'message' && item.data)).toEqual(['one', 'two', 'three']);
    expect(byteByByte).toEqual(whole);
  });

  it('keeps a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('data: café ✓\n\n', 'utf8');
    expect(parseAll([bytes.subarray(0, 10), bytes.subarray(10)])).toEqual([{ kind: 'message', type: 'message', data: 'café ✓', id: undefined }]);
  });

  it('ignores comments, unknown fields and events without data; strips one space and a BOM', () => {
    expect(parseAll(['\uFEFF:ok\n\nfoo: bar\nevent: x\n\ndata:  two spaces\ndata\n\n'])).toEqual([
      { kind: 'message', type: 'message', data: ' two spaces\n', id: undefined },
    ]);
  });

  it('keeps the last event id across events, and ignores an id with NUL', () => {
    expect(parseAll(['id: 7\ndata: a\n\ndata: b\n\nid: 8\u0000\ndata: c\n\n']).map((item) => item.kind === 'message' && item.id)).toEqual(['7', '7', '7']);
  });

  it('reports retry with digits only', () => {
    expect(parseAll(['retry: 2500\nretry: soon\n\n'])).toEqual([{ kind: 'retry', ms: 2500 }]);
  });

  it('drops an event unfinished at end of stream', () => {
    const parser = new SseParser(1024);
    expect(parser.push(Buffer.from('data: never finished\n'))).toEqual([]);
    parser.end();
    expect(parser.push(Buffer.from('\n'))).toEqual([]);
  });

  it('reports an oversized line without buffering it, then goes on', () => {
    const parser = new SseParser(100);
    const out = [
      ...parser.push(Buffer.from('event: message\ndata: ' + 'x'.repeat(60))),
      ...parser.push(Buffer.from('x'.repeat(5000))),
      ...parser.push(Buffer.from('\n\nid: 9\ndata: ok\n\n')),
    ];
    expect(out).toEqual([
      { kind: 'oversized', bytes: 5066, preview: expect.stringMatching(/^data: x+$/), id: undefined },
      { kind: 'message', type: 'message', data: 'ok', id: '9' },
    ]);
  });

  it('reports an event whose data lines together exceed the limit', () => {
    const out = parseAll(['data: ' + 'a'.repeat(50) + '\n' + ('data: ' + 'b'.repeat(50) + '\n') + '\ndata: fine\n\n'], 100);
    expect(out.map((item) => item.kind)).toEqual(['oversized', 'message']);
  });

  it('skips an overlong comment silently', () => {
    expect(parseAll([':' + 'c'.repeat(500) + '\ndata: after\n\n'], 100)).toEqual([{ kind: 'message', type: 'message', data: 'after', id: undefined }]);
  });
});
