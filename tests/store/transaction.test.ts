import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDb, transaction } from '../../src/store/db.ts';

describe('transaction(db, work)', () => {
  let db: Db;
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  const insert = () => db.prepare('INSERT INTO t DEFAULT VALUES').run();

  beforeEach(() => {
    db = openDb(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  });
  afterEach(() => db.close());

  it('commits its work and returns its result', () => {
    const result = transaction(db, () => {
      insert();
      return 'done';
    });
    expect(result).toBe('done');
    expect(db.inTransaction).toBe(false);
    expect(count()).toBe(1);
  });

  it('undoes all its work when it throws', () => {
    expect(() =>
      transaction(db, () => {
        insert();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(count()).toBe(0);
  });

  it('joins an open transaction: an error inside undoes the whole outer one', () => {
    expect(() =>
      transaction(db, () => {
        insert();
        transaction(db, () => {
          insert();
          throw new Error('inner');
        });
      }),
    ).toThrow('inner');
    expect(count()).toBe(0);
  });
});
