import type { DbOrTx } from '../client';
import { linkVisits, type NewLinkVisit } from '../schema';

/** Visits are written in one statement, however many (the demo history writes them in batches). */
export function insertLinkVisits(database: DbOrTx, rows: NewLinkVisit[]) {
  if (rows.length === 0) return Promise.resolve();
  return database
    .insert(linkVisits)
    .values(rows)
    .then(() => undefined);
}
