import { asError, CtadataError, errorFromResponse } from '../errors';

describe('errorFromResponse', () => {
  it('takes the message and the reason of a JSON error body', () => {
    const error = errorFromResponse(
      409,
      JSON.stringify({ reason: 'conflict', message: 'a.txt exists' })
    );
    expect(error).toBeInstanceOf(CtadataError);
    expect(error.reason).toBe('conflict');
    expect(error.message).toBe('a.txt exists');
    expect(error.status).toBe(409);
  });

  it('takes the reason busy of a download that overlaps one that runs', () => {
    const error = errorFromResponse(
      409,
      JSON.stringify({
        reason: 'busy',
        message: 'data/run.h5 is being written'
      })
    );
    expect(error.reason).toBe('busy');
    expect(error.status).toBe(409);
  });

  it.each([
    [400, 'bad_request'],
    [401, 'not_authenticated'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [502, 'unreachable'],
    [503, 'unreachable'],
    [504, 'unreachable'],
    [500, 'unknown']
  ])(
    'gives status %d the reason %s when the body is not JSON',
    (status, reason) => {
      const error = errorFromResponse(status, '<html>Bad Gateway</html>');
      expect(error.reason).toBe(reason);
      expect(error.message).toBe(`The server answered ${status}.`);
    }
  );

  it('ignores a reason the REST API does not define', () => {
    const error = errorFromResponse(
      403,
      JSON.stringify({ reason: 'extension_unavailable', message: 'no' })
    );
    expect(error.reason).toBe('forbidden');
  });

  it('keeps the status message when the JSON has no usable message', () => {
    expect(errorFromResponse(404, JSON.stringify({ message: 3 })).message).toBe(
      'The server answered 404.'
    );
    expect(errorFromResponse(404, 'null').message).toBe(
      'The server answered 404.'
    );
  });
});

describe('asError', () => {
  it('returns a CtadataError as it is', () => {
    const error = new CtadataError('gone', 'not_found', 404);
    expect(asError(error)).toBe(error);
  });

  it('wraps other errors and values with the reason unknown', () => {
    expect(asError(new Error('boom'))).toMatchObject({
      message: 'boom',
      reason: 'unknown'
    });
    expect(asError('text')).toMatchObject({
      message: 'text',
      reason: 'unknown'
    });
  });
});
