import { sql, type Kysely } from 'kysely';

// The Merkle tree's leaves move into the chain's own rows, and merkle_nodes keeps only the
// subtrees of 16 leaves and more (level ≥ 4): an event costs its link row plus at most 1/8 of a
// node row, instead of a leaf row and a node row (half the rows and index entries per event).
// Anything below level 4 is recomputed from at most 16 leaf hashes, read in one range scan.
//
// `leaf_hash` is NULL on a link chained before the tree existed until the chainer fills it in
// (chain order); the tree's size is the number of links before the first NULL one, found
// through a partial index that is empty once the tree has caught up.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table event_chain add column leaf_hash bytea check (length(leaf_hash) = 32)`.execute(db);

  // event_chain stays append-only but for one change: a link's leaf hash filled in, once.
  await sql`
    create function cco_event_chain_fill_leaf() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.leaf_hash is null and new.leaf_hash is not null
         and to_jsonb(new) - 'leaf_hash' = to_jsonb(old) - 'leaf_hash' then
        return new;
      end if;
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '55000';
    end $$`.execute(db);
  await sql`drop trigger event_chain_immutable on event_chain`.execute(db);
  // Same name as before: whoever disables "event_chain_immutable" still disables the whole guard.
  await sql`create trigger event_chain_immutable before update or delete on event_chain
    for each row execute function cco_event_chain_fill_leaf()`.execute(db);

  // The stored leaves move into their links (the guard above lets exactly this through).
  await sql`
    update event_chain c set leaf_hash = n.hash
    from merkle_nodes n where n.level = 0 and n.idx = c.seq - 1`.execute(db);
  await sql`create index event_chain_without_leaf on event_chain (seq) where leaf_hash is null`.execute(db);

  await sql`alter table merkle_nodes disable trigger merkle_nodes_immutable`.execute(db);
  await sql`delete from merkle_nodes where level < 4`.execute(db);
  await sql`alter table merkle_nodes enable trigger merkle_nodes_immutable`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Levels 0 to 3 rebuilt from the leaves, level by level, as the chainer had stored them.
  await sql`
    insert into merkle_nodes (level, idx, hash)
    select 0, seq - 1, leaf_hash from event_chain where leaf_hash is not null`.execute(db);
  for (const level of [1, 2, 3]) {
    await sql`
      insert into merkle_nodes (level, idx, hash)
      select ${level}::int2, l.idx / 2, sha256(decode('01', 'hex') || l.hash || r.hash)
      from merkle_nodes l join merkle_nodes r on r.level = l.level and r.idx = l.idx + 1
      where l.level = ${level - 1}::int2 and l.idx % 2 = 0`.execute(db);
  }
  await sql`drop index event_chain_without_leaf`.execute(db);
  await sql`drop trigger event_chain_immutable on event_chain`.execute(db);
  await sql`create trigger event_chain_immutable before update or delete on event_chain
    for each row execute function cco_refuse_change()`.execute(db);
  await sql`drop function cco_event_chain_fill_leaf()`.execute(db);
  await sql`alter table event_chain drop column leaf_hash`.execute(db);
}
