/**
 * One YAML file holding one document (manifests, parsers, mapping tables).
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { readFromDisk, type ReadHow, type TextSource } from './input-files.js';
import type { Locator } from '../model/source-doc.js';
import { readYamlDocs, YamlLocator, type YamlDoc } from './read-yaml.js';

/** The file's document, or undefined (with diagnostics) when it cannot be read. An empty file is fine when `allowEmpty`. */
export function readYamlFile(
  absolute: string,
  display: string,
  diagnostics: Diagnostic[],
  allowEmpty = false,
  source: TextSource = readFromDisk,
  how?: ReadHow,
): YamlDoc | undefined {
  const { text, diagnostics: problems } = source({ absolute, display }, how);
  diagnostics.push(...problems);
  if (text === undefined) return undefined;
  const { docs, diagnostics: yamlProblems } = readYamlDocs(display, text);
  diagnostics.push(...yamlProblems);
  if (yamlProblems.length > 0) return undefined;
  if (docs.length === 0 && allowEmpty) return undefined;
  if (docs.length === 0) {
    diagnostics.push(error(wholeFile(display), 'empty-file', 'Empty file, expected a YAML document'));
    return undefined;
  }
  if (docs.length !== 1) {
    diagnostics.push(
      error(wholeFile(display), 'yaml-documents', `Unexpected ${docs.length} YAML documents, expected exactly one`),
    );
    return undefined;
  }
  return docs[0];
}

/** Locators for the places of models read back from the input cache: each file parsed again only if a message needs it. */
export function locatorsOf(
  files: readonly { absolute: string; display: string }[],
  source: TextSource = readFromDisk,
  how?: ReadHow | ((absolute: string) => ReadHow),
): (display: string) => Locator | undefined {
  const locators = new Map<string, Locator>();
  for (const f of files) {
    const h = typeof how === 'function' ? how(f.absolute) : how;
    locators.set(f.display, new YamlLocator(f.display, () => source(f, h).text));
  }
  return (display) => locators.get(display);
}
