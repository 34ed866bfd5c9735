/**
 * The efforts a rule can have and the default one by Sigma level: on their
 * own so that reading the configuration does not load the rule model.
 */
export const EFFORTS = ['elementary', 'intermediate', 'advanced', 'master'] as const;
export type Effort = (typeof EFFORTS)[number];

export type EffortTable = Readonly<Record<string, Effort>>;

/** Default effort of a rule without `effort:`, from its Sigma `level` (configurable). */
export const DEFAULT_EFFORT_BY_LEVEL: EffortTable = {
  critical: 'elementary',
  high: 'intermediate',
  medium: 'advanced',
  low: 'master',
  informational: 'master',
};
