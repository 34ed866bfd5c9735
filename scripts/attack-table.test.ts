import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { convertAttack, serializeAttackTable, type AttackTable } from './attack-table.js';
import { parseCliArgs, runBuildAttackTable, type CliIo } from './build-attack-table.js';

const scriptsDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptsDir, '..');
const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'attack');
const stixFixture = path.join(fixturesDir, 'mini-enterprise-stix.json');
const expectedFixture = path.join(fixturesDir, 'mini-enterprise-table.json');
const sharedAttackData = path.resolve(scriptsDir, '../../shared/data/attack-enterprise.json');
const shippedTable = path.join(repoRoot, 'generator', 'data', 'attack-enterprise.json');

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function convertCleanly(input: unknown, options = {}): AttackTable {
  const result = convertAttack(input, options);
  expect(result.errors).toEqual([]);
  return result.table;
}

interface CompactTechniqueInput {
  id: string;
  name: string;
  tactics: unknown;
  parent?: string | null;
  deprecated?: boolean;
  revoked?: boolean;
  revoked_by?: string | null;
  revoked_by_final?: string | null;
  platforms?: string[];
}

interface CompactInput {
  attack_version: string;
  domain: string;
  tactics: { id: string; shortname: string; name: string; order: number }[];
  techniques: CompactTechniqueInput[];
}

/** A compact-form input small enough to read at a glance; each test tweaks a copy. */
function makeCompactInput(): CompactInput {
  return {
    attack_version: '18.0',
    domain: 'enterprise-attack',
    tactics: [
      { id: 'TA0011', shortname: 'command-and-control', name: 'Command and Control', order: 2 },
      { id: 'TA0002', shortname: 'execution', name: 'Execution', order: 1 },
    ],
    techniques: [
      {
        id: 'T1071',
        name: 'Application Layer Protocol',
        tactics: ['command-and-control'],
        parent: null,
        deprecated: false,
        revoked: false,
        revoked_by: null,
        revoked_by_final: null,
      },
      {
        id: 'T1059.001',
        name: 'PowerShell',
        tactics: ['execution'],
        parent: 'T1059',
        deprecated: false,
        revoked: false,
        revoked_by: null,
        revoked_by_final: null,
      },
      {
        id: 'T1059',
        name: 'Command and Scripting Interpreter',
        tactics: ['execution'],
        parent: null,
        deprecated: false,
        revoked: false,
        revoked_by: null,
        revoked_by_final: null,
      },
      {
        id: 'T1086',
        name: 'PowerShell',
        tactics: ['execution'],
        parent: null,
        deprecated: false,
        revoked: true,
        revoked_by: 'T1059.001',
        revoked_by_final: 'T1059.001',
      },
      // revoked_by_final deliberately absent: the converter must follow revoked_by itself.
      {
        id: 'T1043',
        name: 'Commonly Used Port',
        tactics: ['command-and-control', 'execution'],
        parent: null,
        deprecated: false,
        revoked: true,
        revoked_by: 'T1086',
      },
      {
        id: 'T1064',
        name: 'Scripting',
        tactics: ['defense-evasion', 'execution'],
        parent: null,
        deprecated: true,
        revoked: false,
        revoked_by: null,
        revoked_by_final: null,
        platforms: ['Windows'],
      },
    ],
  };
}

describe('convertAttack: STIX bundle', () => {
  it('converts the hand-written mini bundle to the expected table', () => {
    const result = convertAttack(readJson(stixFixture), { sourceName: 'mini-enterprise-stix.json' });
    expect(result.errors).toEqual([]);
    expect(result.table).toEqual(readJson(expectedFixture));
    expect(serializeAttackTable(result.table)).toBe(readFileSync(expectedFixture, 'utf8'));
  });

  it('warns about retired tactic names kept on revoked/deprecated techniques', () => {
    const { warnings } = convertAttack(readJson(stixFixture));
    expect(warnings).toEqual([
      'revoked/deprecated techniques keep tactics that are not in the matrix: defense-evasion (T1064, T1089)',
    ]);
  });

  it('follows a chain of revoked-by to the final replacement', () => {
    const table = convertCleanly(readJson(stixFixture));
    const byId = new Map(table.techniques.map((technique) => [technique.id, technique]));
    expect(byId.get('T1089')).toMatchObject({ status: 'revoked', replacedBy: 'T1685' });
    expect(byId.get('T1562')).toMatchObject({ status: 'revoked', replacedBy: 'T1685' });
    // The revoked relationship T1064 -> T1059 must be ignored.
    expect(byId.get('T1064')).toMatchObject({ status: 'deprecated', replacedBy: null });
  });

  it('takes the collection version over --version, with a warning', () => {
    const result = convertAttack(readJson(stixFixture), { version: '17.0' });
    expect(result.table.version).toBe('19.1');
    expect(result.warnings).toContain('ignoring --version 17.0: the input declares ATT&CK version 19.1');
  });

  it('uses --version when the bundle has no collection, and fails without one', () => {
    const bundle = readJson(stixFixture) as { objects: { type: string }[] };
    const withoutCollection = {
      ...bundle,
      objects: bundle.objects.filter((object) => object.type !== 'x-mitre-collection'),
    };
    expect(convertCleanly(withoutCollection, { version: '19.0' }).version).toBe('19.0');
    expect(convertAttack(withoutCollection).errors.join('\n')).toMatch(/no ATT&CK version.*--version/);
  });

  it('rejects a bundle without a matrix', () => {
    const bundle = readJson(stixFixture) as { objects: { type: string }[] };
    const result = convertAttack({
      ...bundle,
      objects: bundle.objects.filter((object) => object.type !== 'x-mitre-matrix'),
    });
    expect(result.errors.join('\n')).toMatch(/no \(live\) x-mitre-matrix/);
  });

  it('reports a duplicate ATT&CK ID', () => {
    const bundle = readJson(stixFixture) as { objects: Record<string, unknown>[] };
    const copy = {
      ...bundle.objects.find((object) => object.name === 'PowerShell'),
      id: 'attack-pattern--00000000-0000-4000-8000-000000000001',
    };
    const result = convertAttack({ ...bundle, objects: [...bundle.objects, copy] });
    expect(result.errors).toContain('duplicate technique ID T1059.001 (2 entries)');
  });

  it('reports a sub-technique whose parent is missing', () => {
    const bundle = readJson(stixFixture) as { objects: Record<string, unknown>[] };
    const objects = bundle.objects.filter((object) => object.name !== 'Application Layer Protocol');
    const result = convertAttack({ ...bundle, objects });
    expect(result.errors.join('\n')).toMatch(/T1071\.001.*T1071/);
  });
});

describe('convertAttack: compact form', () => {
  it('converts a compact table, ordering tactics by matrix order', () => {
    const table = convertCleanly(makeCompactInput(), { sourceName: 'tiny.json' });
    expect(table).toEqual({
      format: 'rulecat-attack-table/1',
      domain: 'enterprise-attack',
      version: '18.0',
      source: 'tiny.json (ATT&CK v18.0)',
      tactics: [
        { id: 'TA0002', shortname: 'execution', name: 'Execution' },
        { id: 'TA0011', shortname: 'command-and-control', name: 'Command and Control' },
      ],
      techniques: [
        {
          id: 'T1043',
          name: 'Commonly Used Port',
          tactics: ['execution', 'command-and-control'],
          parent: null,
          status: 'revoked',
          replacedBy: 'T1059.001',
        },
        {
          id: 'T1059',
          name: 'Command and Scripting Interpreter',
          tactics: ['execution'],
          parent: null,
          status: 'active',
          replacedBy: null,
        },
        {
          id: 'T1059.001',
          name: 'PowerShell',
          tactics: ['execution'],
          parent: 'T1059',
          status: 'active',
          replacedBy: null,
        },
        {
          id: 'T1064',
          name: 'Scripting',
          tactics: ['execution', 'defense-evasion'],
          parent: null,
          status: 'deprecated',
          replacedBy: null,
        },
        {
          id: 'T1071',
          name: 'Application Layer Protocol',
          tactics: ['command-and-control'],
          parent: null,
          status: 'active',
          replacedBy: null,
        },
        {
          id: 'T1086',
          name: 'PowerShell',
          tactics: ['execution'],
          parent: null,
          status: 'revoked',
          replacedBy: 'T1059.001',
        },
      ],
    });
  });

  it('serializes the same bytes whatever the input order of techniques', () => {
    const input = makeCompactInput();
    const reference = serializeAttackTable(convertCleanly(input));
    fc.assert(
      fc.property(fc.shuffledSubarray(input.techniques, { minLength: input.techniques.length }), (techniques) => {
        expect(serializeAttackTable(convertAttack({ ...input, techniques }).table)).toBe(reference);
      }),
    );
  });

  it('serializes to JSON that parses back to the table, with a trailing newline', () => {
    const table = convertCleanly(makeCompactInput());
    const text = serializeAttackTable(table);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(table);
  });

  it('reports a duplicate technique ID', () => {
    const input = makeCompactInput();
    input.techniques.push({ ...input.techniques[0] });
    expect(convertAttack(input).errors).toContain('duplicate technique ID T1071 (2 entries)');
  });

  it('reports a sub-technique with a missing parent', () => {
    const input = makeCompactInput();
    input.techniques = input.techniques.filter((technique) => technique.id !== 'T1059');
    expect(convertAttack(input).errors).toContain('sub-technique T1059.001: parent technique T1059 is missing');
  });

  it('reports a declared parent that contradicts the ID', () => {
    const input = makeCompactInput();
    input.techniques[1] = { ...input.techniques[1], parent: 'T1071' };
    expect(convertAttack(input).errors.join('\n')).toMatch(/T1059\.001: declared parent T1071 does not match/);
  });

  it('rejects an active technique using a tactic outside the matrix', () => {
    const input = makeCompactInput();
    input.techniques[0] = { ...input.techniques[0], tactics: ['defense-evasion'] };
    expect(convertAttack(input).errors).toContain(
      'T1071 is active but uses tactics not in the matrix: defense-evasion',
    );
  });

  it('reports a revoked-by loop and a replacement that does not exist', () => {
    const looped = makeCompactInput();
    looped.techniques[3] = { ...looped.techniques[3], revoked_by: 'T1043', revoked_by_final: null };
    expect(convertAttack(looped).errors.join('\n')).toMatch(/revoked-by chain loops/);

    const dangling = makeCompactInput();
    dangling.techniques[3] = { ...dangling.techniques[3], revoked_by_final: 'T9999' };
    expect(convertAttack(dangling).errors.join('\n')).toMatch(/replacement T9999 is not a known technique/);
  });

  it('rejects a malformed technique ID and ill-typed fields', () => {
    const input = makeCompactInput();
    input.techniques.push(
      { id: 'X12', name: 'Bad', tactics: ['execution'] },
      { id: 'T1200', name: 'Typed', tactics: 'execution' },
    );
    const errors = convertAttack(input).errors.join('\n');
    expect(errors).toMatch(/malformed technique ID "X12"/);
    expect(errors).toMatch(/T1200: tactics must be a list of strings/);
  });
});

describe('convertAttack: unrecognised input', () => {
  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'bundle'],
    ['an unrelated object', { hello: 'world' }],
    ['a STIX bundle without objects', { type: 'bundle' }],
  ])('rejects %s', (_label, input) => {
    const result = convertAttack(input);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^unrecognised input/);
  });

  it('rejects a table that is already in the rulecat format', () => {
    const table = convertCleanly(makeCompactInput());
    expect(convertAttack(table).errors[0]).toMatch(/already a rulecat-attack-table\/1 table/);
  });
});

describe('build-attack-table CLI', () => {
  let workDir = '';
  let lines: { stdout: string[]; stderr: string[] };
  let io: CliIo;

  beforeEach(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'rulecat-attack-'));
    lines = { stdout: [], stderr: [] };
    io = { cwd: workDir, stdout: (line) => lines.stdout.push(line), stderr: (line) => lines.stderr.push(line) };
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('parses arguments', () => {
    expect(parseCliArgs(['in.json', '--out', 'x.json', '--version=19.1'])).toEqual({
      kind: 'run',
      args: { input: 'in.json', out: 'x.json', version: '19.1' },
    });
    expect(parseCliArgs(['in.json'])).toMatchObject({
      kind: 'run',
      args: { out: path.join('generator', 'data', 'attack-enterprise.json') },
    });
    expect(parseCliArgs([])).toEqual({ kind: 'error', message: 'missing input file' });
    expect(parseCliArgs(['in.json', '--bogus'])).toEqual({ kind: 'error', message: 'unknown option --bogus' });
    expect(parseCliArgs(['in.json', '--out'])).toEqual({ kind: 'error', message: '--out needs a value' });
  });

  it('writes the table, prints a summary and leaves no temp file', async () => {
    const code = await runBuildAttackTable([stixFixture, '--out', 'data/table.json'], io);
    expect(code).toBe(0);
    expect(lines.stdout).toEqual([
      'ATT&CK enterprise-attack v19.1: 4 tactics, 9 techniques (6 active, 1 deprecated, 2 revoked) -> data/table.json',
    ]);
    expect(lines.stderr[0]).toMatch(/^warning: .*defense-evasion/);
    expect(await readFile(path.join(workDir, 'data', 'table.json'), 'utf8')).toBe(
      readFileSync(expectedFixture, 'utf8'),
    );
    expect(await readdir(path.join(workDir, 'data'))).toEqual(['table.json']);
  });

  it('exits 2 and writes nothing on invalid input', async () => {
    await writeFile(path.join(workDir, 'bad.json'), '{"hello": "world"}');
    await writeFile(path.join(workDir, 'broken.json'), '{"type": ');
    expect(await runBuildAttackTable(['bad.json', '--out', 'out.json'], io)).toBe(2);
    expect(await runBuildAttackTable(['broken.json', '--out', 'out.json'], io)).toBe(2);
    expect(await runBuildAttackTable(['missing.json', '--out', 'out.json'], io)).toBe(2);
    expect(lines.stderr.join('\n')).toMatch(/unrecognised input/);
    expect(lines.stderr.join('\n')).toMatch(/cannot read broken\.json as JSON/);
    expect(existsSync(path.join(workDir, 'out.json'))).toBe(false);
  });
});

const hasSharedData = existsSync(sharedAttackData);
if (!hasSharedData) {
  console.warn(`skipping real ATT&CK data tests: ${sharedAttackData} is missing`);
}

describe.skipIf(!hasSharedData)(
  hasSharedData ? `real ATT&CK data (${sharedAttackData})` : `real ATT&CK data — SKIPPED: missing ${sharedAttackData}`,
  () => {
    const convert = () => convertAttack(readJson(sharedAttackData), { sourceName: path.basename(sharedAttackData) });

    it('converts without errors and with the expected counts', () => {
      const { table, errors } = convert();
      expect(errors).toEqual([]);
      expect(table.version).toBe('19.1');
      expect(table.tactics).toHaveLength(15);
      expect(table.techniques).toHaveLength(858);
      expect(table.tactics.slice(0, 3).map((tactic) => tactic.shortname)).toEqual([
        'reconnaissance',
        'resource-development',
        'initial-access',
      ]);
      expect(table.techniques.find((technique) => technique.id === 'T1562')).toMatchObject({
        status: 'revoked',
        replacedBy: 'T1685',
      });
    });

    it('matches the shipped generator/data/attack-enterprise.json byte for byte', () => {
      expect(existsSync(shippedTable), `${shippedTable} is missing: run scripts/build-attack-table`).toBe(true);
      expect(serializeAttackTable(convert().table)).toBe(readFileSync(shippedTable, 'utf8'));
    });
  },
);
