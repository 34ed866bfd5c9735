/**
 * Small in-memory rules and intakes for tests.
 */
import { readRuleText } from '../generator/load/read-rules.js';
import type { Diagnostic } from '../generator/diagnostics.js';
import { buildIntake, type Intake } from '../generator/model/intake.js';
import type { Scalar } from '../generator/model/detection.js';
import { DEFAULT_EFFORT_BY_LEVEL, type Rule } from '../generator/model/rule.js';

let counter = 0;

/** A rule from YAML text; fails the test on any diagnostic error. */
export function ruleFromYaml(text: string, file = `rule-${counter++}.yml`): Rule {
  const diagnostics: Diagnostic[] = [];
  const rules = readRuleText(file, text, { effortByLevel: DEFAULT_EFFORT_BY_LEVEL }, diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || rules.length !== 1) throw new Error(`invalid test rule: ${JSON.stringify(errors)}`);
  return rules[0];
}

export interface IntakeSpec {
  uuid?: string;
  name?: string;
  fields: string[];
  constants?: Record<string, Scalar[]>;
  sources?: Record<string, string[]>;
  module?: string;
  dataSources?: string[];
  /** External parser stages (name → kind), e.g. {json_event: 'json.parse-json'}. */
  externals?: Record<string, string>;
}

export function makeIntake(spec: IntakeSpec): Intake {
  const n = counter++;
  const uuid = spec.uuid ?? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const intake = buildIntake({
    manifest: {
      uuid,
      name: spec.name ?? `Intake ${n}`,
      slug: `intake-${n}`,
      description: '',
      dataSources: spec.dataSources ?? [],
    },
    manifestFile: `intakes/${n}/_meta/manifest.yml`,
    place: { file: `intakes/${n}/_meta/manifest.yml`, line: 1, col: 1 },
    folder: `intakes/${n}`,
    module: { folder: spec.module ?? 'Test' },
    parser: {
      fields: new Set(spec.fields),
      literals: new Map(Object.entries(spec.constants ?? {})),
      sources: new Map(Object.entries(spec.sources ?? {})),
      reads: new Set(),
      externals: new Map(Object.entries(spec.externals ?? {})),
    },
    declaredFields: [],
    observed: new Map(),
    testEvents: 0,
    platformFields: [],
  });
  return intake;
}
