/**
 * The field mappings rulecat ships (generator/data/mappings/*.yaml): they
 * load, every field line names an intake that produces each target, entries
 * for one log source agree across files, and put together they rename the
 * fields the issue named as they should.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../generator/diagnostics.js';
import { readIntakes } from '../generator/load/read-intakes.js';
import { readYamlDocs } from '../generator/load/read-yaml.js';
import { readYamlFile } from '../generator/load/read-yaml-file.js';
import { readFieldMapping, type FieldMapping, type MappingEntry } from '../generator/model/field-mapping.js';
import type { Intake } from '../generator/model/intake.js';
import { renamingsFor } from '../generator/match/renaming.js';
import type { LogSource } from '../generator/model/rule.js';
import { mappingFiles, mergeMappings } from '../scripts/merge-mappings.js';
import { haveShared, shared } from './shared.js';

interface Loaded {
  file: string;
  mapping: FieldMapping;
  /** Trailing comment of the line of each entry's field key, by entry order then Sigma field. */
  comments: Map<number, Map<string, string | undefined>>;
}

function load(file: string): { loaded: Loaded; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const doc = readYamlFile(file, path.basename(file), diagnostics);
  const mapping = doc ? readFieldMapping(doc, diagnostics) : { file, entries: [], pipelines: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  const comments = new Map<number, Map<string, string | undefined>>();
  for (const entry of doc ? mapping.entries : []) {
    const byField = new Map<string, string | undefined>();
    for (const sigma of entry.fields.keys()) {
      const line = lines[doc!.place(['mappings', entry.order, 'fields', sigma], 'key').line - 1] ?? '';
      const hash = line.indexOf(' #');
      byField.set(sigma, hash < 0 ? undefined : line.slice(hash + 2).trim());
    }
    comments.set(entry.order, byField);
  }
  return { loaded: { file, mapping, comments }, diagnostics };
}

/** `a: F1 (…); b: F2 (…)` or `F (…)` → the folder named for each target. */
function evidenceFolders(comment: string, targets: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(targets.map((t) => [t, []]));
  for (const raw of comment.split(';')) {
    let segment = raw.trim();
    let target = targets.length === 1 ? targets[0] : undefined;
    const prefixed = targets.find((t) => segment.startsWith(`${t}: `));
    if (prefixed) {
      target = prefixed;
      segment = segment.slice(prefixed.length + 2);
    }
    if (target === undefined) continue;
    const paren = segment.indexOf(' (');
    out.get(target)!.push((paren < 0 ? segment : segment.slice(0, paren)).trim());
  }
  return out;
}

function produces(intake: Intake, target: string): boolean {
  const own = (f: string) => (intake.fields.get(f) ?? []).some((origin) => origin !== 'platform');
  if (!target.includes('*')) return own(target);
  const re = new RegExp(
    `^${target
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return [...intake.fields.keys()].some((f) => re.test(f) && own(f));
}

const files = mappingFiles();
const INTAKES = shared('data', 'intake-formats');

describe('shipped field mappings', () => {
  it('are there, one file per family, each loading without diagnostics', () => {
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining([
        'windows.yaml',
        'linux.yaml',
        'macos.yaml',
        'azure.yaml',
        'm365.yaml',
        'aws.yaml',
        'gcp.yaml',
        'okta.yaml',
        'kubernetes.yaml',
        'proxy.yaml',
        'webserver.yaml',
        'dns.yaml',
      ]),
    );
    for (const file of files) {
      const { loaded, diagnostics } = load(file);
      expect(diagnostics, file).toEqual([]);
      expect(loaded.mapping.entries.length, file).toBeGreaterThan(0);
    }
  });

  it('give every field line an evidence comment for each of its targets', () => {
    for (const file of files) {
      const { loaded } = load(file);
      for (const entry of loaded.mapping.entries) {
        for (const [sigma, targets] of entry.fields) {
          const comment = loaded.comments.get(entry.order)?.get(sigma);
          expect(comment, `${path.basename(file)}: ${sigma} has no evidence comment`).toBeTruthy();
          for (const [target, folders] of evidenceFolders(comment!, targets)) {
            expect(folders.length, `${path.basename(file)}: ${sigma} → ${target} names no intake`).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('never define one (pipeline, log source) entry two different ways', () => {
    const seen = new Map<string, { file: string; entry: MappingEntry }[]>();
    for (const file of files) {
      for (const entry of load(file).loaded.mapping.entries) {
        const key = JSON.stringify([
          entry.pipeline,
          entry.logsource.product ?? null,
          entry.logsource.category ?? null,
          entry.logsource.service ?? null,
        ]);
        seen.set(key, [...(seen.get(key) ?? []), { file, entry }]);
      }
    }
    const conflicts: string[] = [];
    for (const [key, group] of seen) {
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          const [a, b] = [group[i], group[j]];
          if (
            a.entry.unmappedPrefix !== undefined &&
            b.entry.unmappedPrefix !== undefined &&
            a.entry.unmappedPrefix !== b.entry.unmappedPrefix
          ) {
            conflicts.push(
              `${key}: unmapped prefix ${a.entry.unmappedPrefix} (${a.file}) vs ${b.entry.unmappedPrefix} (${b.file})`,
            );
          }
          for (const [sigma, targets] of a.entry.fields) {
            const other = b.entry.fields.get(sigma);
            if (other && JSON.stringify(other) !== JSON.stringify(targets))
              conflicts.push(`${key}: ${sigma} → ${targets} (${a.file}) vs ${other} (${b.file})`);
          }
        }
      }
    }
    expect(conflicts).toEqual([]);
  });

  describe('put together', () => {
    let merged: FieldMapping;
    beforeAll(() => {
      const diagnostics: Diagnostic[] = [];
      const doc = readYamlDocs('merged.yaml', mergeMappings(files)).docs[0];
      merged = readFieldMapping(doc, diagnostics);
      expect(diagnostics).toEqual([]);
    });
    const targets = (ls: LogSource, field: string) => renamingsFor(ls, merged).flatMap((r) => r.targets(field));

    it('keep every entry of every file', () => {
      const count = files.reduce((n, f) => n + load(f).loaded.mapping.entries.length, 0);
      expect(merged.entries).toHaveLength(count);
      expect(merged.pipelines).toEqual(['rulecat']);
    });

    it('rename the fields the families use, the most specific entry winning', () => {
      const proc = { product: 'windows', category: 'process_creation' };
      expect(targets(proc, 'CommandLine')).toContain('process.command_line');
      expect(targets(proc, 'Description')).toContain('process.pe.description');
      expect(targets({ product: 'windows', category: 'image_load' }, 'Description')).toEqual([
        'file.pe.description',
        'action.properties.Description',
      ]);
      expect(targets({ product: 'windows', category: 'registry_set' }, 'IntegrityLevel')).toEqual([
        'action.properties.IntegrityLevel',
      ]);
      expect(targets({ product: 'windows', service: 'security' }, 'Hashes')).toContain('action.properties.Hashes');
      expect(targets({ product: 'linux', category: 'process_creation' }, 'Image')).toEqual([
        'process.executable',
        'process.command_line',
      ]);
      expect(targets({ product: 'macos', category: 'file_event' }, 'TargetFilename')).toEqual([
        'file.path',
        'file.directory',
      ]);
      expect(targets({ product: 'windows', category: 'registry_set' }, 'TargetObject')).toContain('registry.key');
      expect(targets({ product: 'azure', service: 'auditlogs' }, 'properties.targetResources')).toContain(
        'action.properties.*',
      );
      expect(targets({ product: 'gcp', service: 'google_workspace.admin' }, 'new_value')).toEqual([
        'google.report.parameters_all.value',
      ]);
      const signin = { product: 'azure', service: 'signinlogs' };
      for (const f of ['ResultType', 'resultType']) expect(targets(signin, f)).toContain('error.code');
      expect(targets(signin, 'ResultDescription')).toContain('error.message');
      expect(targets({ product: 'azure', service: 'activitylogs' }, 'operationName')).toEqual(['event.action']);
      expect(targets({ product: 'azure', service: 'auditlogs' }, 'properties.message')).toEqual(['event.action']);
      const tm = { product: 'm365', service: 'threat_management' };
      expect(targets(tm, 'eventSource')).toEqual(['service.name']);
      expect(targets(tm, 'eventName')).toEqual(['office365.alert.display_name', 'microsoft.defender.alert.title']);
      expect(targets({ product: 'm365', service: 'exchange' }, 'eventName')).toEqual(['action.name']);
      expect(targets({ product: 'm365', service: 'audit' }, 'Operation')).toEqual(['action.name']);
      expect(targets({ category: 'proxy' }, 'c-uri-query')).toContain('url.query');
      expect(targets({ category: 'webserver' }, 'sc-status')).toEqual(['http.response.status_code']);
      const k8s = { product: 'kubernetes', service: 'audit' };
      expect(targets(k8s, 'hostPath')).toEqual([
        'kubernetes.spec.volumes.hostPath.path',
        'action.properties.RawEventData',
      ]);
      // GKE audit through Cloud Logging: the verb and the resource are parts of the method name.
      expect(targets(k8s, 'verb')).toContain('google_cloud_audit.protoPayload.methodName');
      expect(targets(k8s, 'objectRef.namespace')).toContain('google_cloud_audit.protoPayload.resourceName');
      // Linux process creations: the image is also the start of a command line (command-line-only shell logs).
      expect(targets({ product: 'linux', category: 'process_creation' }, 'Image')).toEqual([
        'process.executable',
        'process.command_line',
      ]);
      // Entra sign-ins mirrored by the unified audit log: the error code and its name.
      expect(targets(signin, 'ResultType')).toContain('office365.error_number');
      expect(targets(signin, 'DeviceDetail.isCompliant')).toContain('office365.device.is_compliant_and_managed');
      expect(targets({ product: 'gcp', service: 'gcp.audit' }, 'data.protoPayload.methodName')).toEqual([
        'google_cloud_audit.protoPayload.methodName',
      ]);
    });

    it('leave log sources they do not cover as written', () => {
      expect(renamingsFor({ product: 'opencanary', service: 'ssh' }, merged).map((r) => r.pipeline)).toEqual([null]);
      expect(targets({ product: 'opencanary', service: 'ssh' }, 'logtype')).toEqual(['logtype']);
    });

    it("read Zeek's names in ECS, for its services and its connection endpoints", () => {
      expect(targets({ product: 'zeek', service: 'dns' }, 'query')).toEqual(['dns.question.name']);
      expect(targets({ product: 'zeek', service: 'http' }, 'method')).toEqual(['http.request.method']);
      expect(targets({ product: 'zeek', service: 'rdp' }, 'id.orig_h')).toEqual(['source.ip']);
    });
  });

  describe.skipIf(!haveShared('data', 'intake-formats'))('against the real intakes', () => {
    let byFolder: Map<string, Intake>;
    beforeAll(() => {
      const { intakes } = readIntakes([INTAKES], { platformFields: [] }, INTAKES, undefined);
      byFolder = new Map(
        intakes.map((i) => [path.relative(INTAKES, path.resolve(INTAKES, i.folder)).split(path.sep).join('/'), i]),
      );
      expect(byFolder.size).toBeGreaterThan(100);
    }, 120_000);

    it('name intakes that exist and produce each target', () => {
      const problems: string[] = [];
      for (const file of files) {
        const { loaded } = load(file);
        for (const entry of loaded.mapping.entries) {
          for (const [sigma, targets] of entry.fields) {
            const comment = loaded.comments.get(entry.order)?.get(sigma) ?? '';
            for (const [target, folders] of evidenceFolders(comment, targets)) {
              const where = `${path.basename(file)}: ${sigma} → ${target}`;
              if (folders.length === 0) problems.push(`${where}: no intake named`);
              for (const folder of folders) {
                const intake = byFolder.get(folder);
                if (!intake) problems.push(`${where}: no intake folder ${folder}`);
                else if (!produces(intake, target)) problems.push(`${where}: ${folder} does not produce it`);
              }
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('read unlisted Windows fields where intakes put them', () => {
      const prefixes = files.flatMap((f) =>
        load(f).loaded.mapping.entries.flatMap((e) => (e.unmappedPrefix === undefined ? [] : [e.unmappedPrefix])),
      );
      expect(prefixes.length).toBeGreaterThan(0);
      for (const prefix of prefixes) {
        expect(
          [...byFolder.values()].some((i) =>
            [...i.fields.keys()].some((f) => f.startsWith(prefix) && f.length > prefix.length),
          ),
          prefix,
        ).toBe(true);
      }
    });
  });
});
