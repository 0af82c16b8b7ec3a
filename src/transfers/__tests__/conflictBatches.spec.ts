import { ConflictBatches, IBatchAnswer } from '../conflictBatches';

/**
 * A question that records whether "for all" was offered, and answers with
 * the next of `answers`.
 */
function questions(...answers: IBatchAnswer[]) {
  const offered: boolean[] = [];
  const ask = async (offerForAll: boolean) => {
    offered.push(offerForAll);
    const answer = answers.shift();
    if (!answer) {
      throw new Error('asked once too often');
    }
    return answer;
  };
  return { ask, offered };
}

describe('ConflictBatches', () => {
  it('asks about a lone download without the "for all" box', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(1);
    batch.add('a');
    batch.end();
    const { ask, offered } = questions({ choice: 'skip', forAll: false });
    expect(await batches.decide('a', ask)).toBe('skip');
    expect(offered).toEqual([false]);
  });

  it('asks about a job it never saw started, alone', async () => {
    const batches = new ConflictBatches();
    const { ask, offered } = questions({ choice: 'overwrite', forAll: false });
    expect(await batches.decide('restored', ask)).toBe('overwrite');
    expect(offered).toEqual([false]);
  });

  it('offers "for all" in a batch of several; ticked, it answers the others', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(3);
    for (const id of ['a', 'b', 'c']) {
      batch.add(id);
    }
    batch.end();
    const { ask, offered } = questions({ choice: 'skip', forAll: true });
    const choices = await Promise.all([
      batches.decide('a', ask),
      batches.decide('c', ask)
    ]);
    expect(choices).toEqual(['skip', 'skip']);
    expect(offered).toEqual([true]);
  });

  it('keeps asking, with the box, while "for all" is not ticked', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(2);
    batch.add('a');
    batch.add('b');
    batch.end();
    const { ask, offered } = questions(
      { choice: 'skip', forAll: false },
      { choice: 'overwrite', forAll: false }
    );
    expect(await batches.decide('a', ask)).toBe('skip');
    expect(await batches.decide('b', ask)).toBe('overwrite');
    expect(offered).toEqual([true, true]);
  });

  it('applies a cancel ticked "for all" to the batch: nothing happens', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(2);
    batch.add('a');
    batch.add('b');
    batch.end();
    const { ask } = questions({ choice: null, forAll: true });
    expect(await batches.decide('a', ask)).toBeNull();
    expect(await batches.decide('b', ask)).toBeNull();
  });

  it('does not carry an answer over to another batch', async () => {
    const batches = new ConflictBatches();
    const first = batches.begin(2);
    first.add('a');
    first.add('b');
    first.end();
    const second = batches.begin(2);
    second.add('c');
    second.add('d');
    second.end();
    const { ask, offered } = questions(
      { choice: 'overwrite', forAll: true },
      { choice: 'skip', forAll: false }
    );
    expect(await batches.decide('a', ask)).toBe('overwrite');
    expect(await batches.decide('c', ask)).toBe('skip');
    expect(await batches.decide('b', ask)).toBe('overwrite');
    expect(offered).toEqual([true, true]);
  });

  it('waits until the batch is started: a conflict that comes first still gets the box', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(2);
    const { ask, offered } = questions({ choice: 'skip', forAll: true });
    // The job's end is heard before its start has returned.
    const first = batches.decide('a', ask);
    batch.add('a');
    batch.add('b');
    batch.end();
    expect(await first).toBe('skip');
    expect(await batches.decide('b', ask)).toBe('skip');
    expect(offered).toEqual([true]);
  });

  it('asks one question at a time', async () => {
    const batches = new ConflictBatches();
    let open = 0;
    let most = 0;
    const ask = async () => {
      open++;
      most = Math.max(most, open);
      await new Promise(resolve => setTimeout(resolve, 5));
      open--;
      return { choice: 'skip' as const, forAll: false };
    };
    await Promise.all([
      batches.decide('x', ask),
      batches.decide('y', ask),
      batches.decide('z', ask)
    ]);
    expect(most).toBe(1);
  });

  it('goes on after a question that failed', async () => {
    const batches = new ConflictBatches();
    const failing = async (): Promise<IBatchAnswer> => {
      throw new Error('no dialog');
    };
    await expect(batches.decide('a', failing)).rejects.toThrow('no dialog');
    const { ask } = questions({ choice: 'overwrite', forAll: false });
    expect(await batches.decide('b', ask)).toBe('overwrite');
  });

  it('forgets a job that ended without a conflict', async () => {
    const batches = new ConflictBatches();
    const batch = batches.begin(2);
    batch.add('a');
    batch.end();
    batches.forget('a');
    const { ask, offered } = questions({ choice: 'skip', forAll: false });
    await batches.decide('a', ask);
    expect(offered).toEqual([false]);
  });
});
