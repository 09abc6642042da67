/**
 * src/engine/network.ts's LayerSpec types (what TypeScript lets a converter write) held to the
 * addon's param schema (native/src/ir/param_schema.cc, the one authority on a param's name,
 * type, presence and allowed strings): for every kind, params written as the TypeScript type
 * declares them pass the schema (no "unknown param", no "must be ...", no "expected one of"),
 * with every declared param, with the required ones alone (the schema requires nothing the type
 * leaves optional), and with each string a literal-union param allows. Read from network.ts
 * through the TypeScript checker; the addon asked through inferLayer, which checks the params
 * before the shape rule (whose own errors, with these placeholder values, are not the point).
 * Not covered: a param the schema takes that the type does not declare.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { inferLayerOutputs } from '../../src/engine/layer-outputs.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const NETWORK = path.resolve(import.meta.dirname, '../../src/engine/network.ts');

/** A param as the type declares it: its name, whether optional, and values of its type to try. */
interface DeclaredParam {
  key: string;
  optional: boolean;
  values: unknown[];
}

/** Kind -> its declared params, from the LayerSpec union's members. */
function declaredParams(): Map<string, DeclaredParam[]> {
  const program = ts.createProgram([NETWORK], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(NETWORK)!;
  const decl = file.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'LayerSpec')!;
  const samples = (t: ts.Type): unknown[] => {
    const type = checker.getNonNullableType(t);
    const members = type.isUnion() ? type.types : [type];
    if (members.every((m) => m.isStringLiteral())) return members.map((m) => (m as ts.StringLiteralType).value);
    if (members.every((m) => m.flags & ts.TypeFlags.BooleanLike)) return [false];
    if (type.flags & ts.TypeFlags.Number) return [1];
    if (type.flags & ts.TypeFlags.String) return ['x'];
    if (checker.isArrayType(type)) return [[1]];
    if (type.flags & ts.TypeFlags.Object)
      return [Object.fromEntries(checker.getPropertiesOfType(type).map((p) => [p.name, samples(checker.getTypeOfSymbolAtLocation(p, decl))[0]]))];
    throw new Error(`param-schema: no sample for ${checker.typeToString(type)}`);
  };
  const out = new Map<string, DeclaredParam[]>();
  for (const member of checker.getTypeAtLocation(decl.name).isUnion() ? (checker.getTypeAtLocation(decl.name) as ts.UnionType).types : []) {
    const kindType = checker.getTypeOfSymbolAtLocation(member.getProperty('kind')!, decl);
    const params = checker.getTypeOfSymbolAtLocation(member.getProperty('params')!, decl);
    const declared = checker.getPropertiesOfType(params).map((p) => ({
      key: p.name,
      optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
      values: samples(checker.getTypeOfSymbolAtLocation(p, decl)),
    }));
    for (const k of kindType.isUnion() ? kindType.types : [kindType]) out.set((k as ts.StringLiteralType).value, declared);
  }
  return out;
}

/** The schema's own refusals (param_schema.cc CheckParams), as opposed to a shape rule's. */
const SCHEMA =
  /param '[^']+' (?:is missing \(expected|must be (?:an integer of magnitude|a number|a list of|a boolean|a string)|is '[^']*'; expected one of: |is NaN|holds NaN)|unknown param '/;

/** The schema's refusal of these params for a layer of `kind`, or '' (the rule's errors ignored). */
function schemaError(kind: string, params: Record<string, unknown>): string {
  try {
    inferLayerOutputs(kind as Parameters<typeof inferLayerOutputs>[0], [{ id: 0, dtype: 'float32', shape: [2, 3] }], params, undefined, 'p');
    return '';
  } catch (e) {
    const message = (e as Error).message;
    return SCHEMA.test(message) ? message : '';
  }
}

describeIf(HAS_NATIVE, "network.ts's layer params against the addon's schema", NATIVE_MISSING, () => {
  const kinds = HAS_NATIVE ? declaredParams() : new Map<string, DeclaredParam[]>();

  it('reads every kind of LayerSpec, and tells a schema refusal from a rule error', () => {
    expect(kinds.size).toBeGreaterThan(30);
    expect(
      kinds
        .get('cumsum')!
        .map((p) => p.key)
        .sort(),
    ).toEqual(['axis', 'exclusive', 'reverse']);
    expect(schemaError('cumsum', { axis: 1, exclusive: false })).toMatch(/param 'reverse' is missing/);
    expect(schemaError('cumsum', { axis: 1, exclusive: false, reverse: 1 })).toMatch(/param 'reverse' must be a boolean/);
    expect(schemaError('cumsum', { axis: 1, exclusive: false, reverse: false, extra: 1 })).toMatch(/unknown param 'extra'/);
    expect(schemaError('cumsum', { axis: 7, exclusive: false, reverse: false })).toBe(''); // the rule's: out of range
  });

  it('every kind takes every param its type declares, and needs none the type leaves optional', () => {
    const refused: string[] = [];
    for (const [kind, declared] of kinds) {
      if (kind === 'constant') continue; // no params, and no rule to ask
      const all = Object.fromEntries(declared.map((p) => [p.key, p.values[0]]));
      const required = Object.fromEntries(declared.filter((p) => !p.optional).map((p) => [p.key, p.values[0]]));
      for (const params of [all, required]) {
        const why = schemaError(kind, params);
        if (why) refused.push(`${kind}: ${why}`);
      }
      for (const p of declared) {
        for (const v of p.values.slice(1)) {
          const why = schemaError(kind, { ...all, [p.key]: v });
          if (why) refused.push(`${kind}: ${why}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });
});
