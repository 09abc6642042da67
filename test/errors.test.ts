/**
 * messageLine: the one-line form of a wrapped library error (onnxruntime's messages span lines).
 */
import { describe, expect, it } from 'vitest';
import { HybridError, messageLine } from '../src/errors.js';

describe('messageLine', () => {
  it('joins the lines of a message with single spaces and trims it', () => {
    expect(messageLine(new Error('  Load model failed:\n   [ONNXRuntimeError] : 1 : FAIL\n\nstack line  \n'))).toBe(
      'Load model failed: [ONNXRuntimeError] : 1 : FAIL stack line',
    );
  });

  it('keeps a one-line message as it is, and takes non-errors as text', () => {
    expect(messageLine(new HybridError('INPUT', "input 'x': wrong dtype"))).toBe("input 'x': wrong dtype");
    expect(messageLine('plain\ntext')).toBe('plain text');
    expect(messageLine(42)).toBe('42');
  });
});
