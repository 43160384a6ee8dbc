import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadCheckpointSigner,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  checkpointBody,
  parseCheckpointBody,
  parseNote,
  signNote,
} from '@cco/transparency-log';
import { openCheckpoint } from './tlogVerifier';

// The known answer of Go's golang.org/x/mod/sumdb/note (its documented example key and note).
const goSigner = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const goVerifier = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const goNote = `${goText}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('note keys and signed notes', () => {
  it('reproduces Go’s known answer: key id, verifier key and the exact signed note', () => {
    const signer = parseSignerKey(goSigner) as NoteSigner;
    expect(typeof signer).toBe('object');
    expect(signer.verifierKey).toBe(goVerifier);
    expect(signNote(goText, signer)).toBe(goNote);
    const verifier = parseVerifierKey(goVerifier);
    if (typeof verifier === 'string') throw new Error(verifier);
    const note = parseNote(goNote);
    if (typeof note === 'string') throw new Error(note);
    expect(verifier.verify(note.body, note.signatures[0]!.signature)).toBe(true);
  });

  it('refuses mangled keys', () => {
    expect(parseSignerKey(goSigner.replace('c74f20a3', 'c74f20a4'))).toMatch(/key id/);
    expect(parseSignerKey(goSigner.replace('PeterNeumann', 'Peter Neumann'))).toEqual(expect.any(String));
    expect(parseSignerKey(goSigner.slice(0, -2))).toEqual(expect.any(String));
    expect(parseSignerKey('PRIVATE+KEY+x')).toEqual(expect.any(String));
    expect(parseVerifierKey(goVerifier.replace('ARpc', 'BRpc'))).toEqual(expect.any(String));
  });

  it('checkpoints it signs verify with tweetnacl, and parse back', () => {
    const { signer } = generateSignerKey('example.org/log');
    const root = Buffer.alloc(32, 9);
    const note = signNote(checkpointBody(signer.name, 12345, root), signer);
    expect(openCheckpoint(note, signer.verifierKey)).toMatchObject({ origin: 'example.org/log', treeSize: 12345, root });
    expect(parseCheckpointBody(checkpointBody('o', 7, root))).toEqual({ origin: 'o', treeSize: 7, rootHash: root });
    expect(parseCheckpointBody('o\n07\nAAAA\n')).toEqual(expect.any(String));
  });
});

describe('loadCheckpointSigner', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'cco-key-'));

  it('takes CHECKPOINT_SIGNING_KEY; CHECKPOINT_ORIGIN must be its name', () => {
    const loaded = loadCheckpointSigner({ CHECKPOINT_SIGNING_KEY: goSigner, NODE_ENV: 'production' }, dir(), true);
    expect('signer' in loaded && loaded.signer.verifierKey).toBe(goVerifier);
    expect(loadCheckpointSigner({ CHECKPOINT_SIGNING_KEY: goSigner, CHECKPOINT_ORIGIN: 'other' }, dir(), false)).toEqual({
      error: expect.stringMatching(/must equal/),
    });
    expect(loadCheckpointSigner({ CHECKPOINT_SIGNING_KEY: 'nonsense' }, dir(), false)).toEqual({
      error: expect.stringMatching(/CHECKPOINT_SIGNING_KEY/),
    });
  });

  it('is required in production', () => {
    expect(loadCheckpointSigner({ NODE_ENV: 'production' }, dir(), true)).toEqual({ error: expect.stringMatching(/required/) });
  });

  it('outside production generates a key into DATA_DIR once (owner-only), and reads the same one back', () => {
    const d = dir();
    const first = loadCheckpointSigner({ CHECKPOINT_ORIGIN: 'dev.example/log' }, d, false);
    if ('error' in first) throw new Error(first.error);
    expect(first.generated).toBe(join(d, 'checkpoint-signing-key'));
    expect(statSync(first.generated!).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.generated!, 'utf8')).toMatch(/^PRIVATE\+KEY\+dev\.example\/log\+[0-9a-f]{8}\+/);
    const again = loadCheckpointSigner({}, d, false);
    if ('error' in again) throw new Error(again.error);
    expect(again.generated).toBeUndefined();
    expect(again.signer.verifierKey).toBe(first.signer.verifierKey);
    expect(loadCheckpointSigner({ CHECKPOINT_ORIGIN: 'another' }, d, false)).toEqual({ error: expect.stringMatching(/differs/) });
  });
});
