/**
 * Where a folder is published on GitHub, read from the git repository that
 * holds it: the `origin` remote (https or ssh forms of github.com), the
 * current branch (the remote's default branch when HEAD is detached, else
 * `main`) and the folder's path in the repository. Reads `.git` files
 * directly (worktrees and submodules included); never runs git, never fails:
 * anything unexpected gives undefined.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface GitHubPlace {
  owner: string;
  repo: string;
  branch: string;
  /** The folder relative to the repository's work tree, with `/`; empty for the root. */
  folder: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The work tree root and git directory holding `folder` (which need not exist yet). */
function findRepository(folder: string): { root: string; gitDir: string } | undefined {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    if (existsSync(dotGit)) {
      try {
        if (statSync(dotGit).isDirectory()) return { root: dir, gitDir: dotGit };
      } catch {
        return undefined;
      }
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(read(dotGit) ?? '');
      return m ? { root: dir, gitDir: path.resolve(dir, m[1]) } : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The `url` of `[remote "origin"]` in a git config text. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const m = /^url\s*=\s*(.+)$/.exec(line);
      if (m) return m[1].replace(/^"(.*)"$/, '$1');
    }
  }
  return undefined;
}

/** OWNER and REPO of a github.com remote URL (https, ssh, scp-like, git), else undefined. */
export function parseGitHubUrl(url: string): { owner: string; repo: string } | undefined {
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|git:\/\/|(?:[^@/]+@)?)(?:www\.)?github\.com(?::\d+)?[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(
      url.trim(),
    );
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

function currentBranch(gitDir: string, commonDir: string): string {
  const head = read(path.join(gitDir, 'HEAD'))?.trim() ?? '';
  const m = /^ref:\s*refs\/heads\/(.+)$/.exec(head);
  if (m) return m[1];
  // Detached: the branch the remote's HEAD points to, else main.
  const remoteHead = read(path.join(commonDir, 'refs', 'remotes', 'origin', 'HEAD'))?.trim() ?? '';
  return /^ref:\s*refs\/remotes\/origin\/(.+)$/.exec(remoteHead)?.[1] ?? 'main';
}

/** Where `folder` is published on GitHub, when it lies in a git work tree whose origin is on github.com. */
export function gitHubPlace(folder: string): GitHubPlace | undefined {
  const repo = findRepository(folder);
  if (!repo) return undefined;
  const common = read(path.join(repo.gitDir, 'commondir'))?.trim();
  const commonDir = common ? path.resolve(repo.gitDir, common) : repo.gitDir;
  const url = originUrl(read(path.join(commonDir, 'config')) ?? '');
  const github = url === undefined ? undefined : parseGitHubUrl(url);
  if (!github) return undefined;
  const folderPath = path.relative(repo.root, path.resolve(folder)).split(path.sep).join('/');
  return { ...github, branch: currentBranch(repo.gitDir, commonDir), folder: folderPath };
}

/** The raw.githubusercontent.com URL of the folder (ends with `/`). */
export function rawFolderUrl(place: GitHubPlace): string {
  const segments = [place.owner, place.repo, ...place.branch.split('/'), ...place.folder.split('/').filter(Boolean)];
  return `https://raw.githubusercontent.com/${segments.map(encodeURIComponent).join('/')}/`;
}
