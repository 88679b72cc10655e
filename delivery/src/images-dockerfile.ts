// Reads Dockerfiles and .dockerignore files closely enough to check them and to rehearse a build without an engine.

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  keyword: string;
  /** Leading `--name=value` options, e.g. `--from=prune` → { from: 'prune' }. */
  flags: Record<string, string>;
  /** Everything after the keyword and its options, continuation lines joined. */
  args: string;
  /** 1-based line the instruction starts on. */
  line: number;
}

export interface Stage {
  /** The FROM image (or an earlier stage's name). */
  image: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  override name = 'DockerfileError';
}

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {};
  let args = rest.trimStart();
  for (let match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args); match; match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args)) {
    flags[match[1]!] = match[2] ?? '';
    args = args.slice(match[0].length);
  }
  return { flags, args: args.trim() };
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    if (first.trim() === '' || first.trimStart().startsWith('#')) continue;
    const line = i + 1;
    let logical = first;
    // A trailing backslash continues the instruction; comment lines inside it are dropped, as Docker does.
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = logical.slice(0, -1);
      i++;
      if (!lines[i]!.trimStart().startsWith('#')) logical += lines[i]!;
    }
    const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(logical);
    if (!match) throw new DockerfileError(`line ${line}: cannot read "${first}"`);
    instructions.push({ keyword: match[1]!.toUpperCase(), ...splitFlags(match[2]!), line });
  }

  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name, ...extra] = instruction.args.split(/\s+/);
      if (!image || (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) || extra.length > 0) {
        throw new DockerfileError(`line ${instruction.line}: FROM ${instruction.args} is not "FROM image [AS name]"`);
      }
      stages.push({ image, ...(name ? { name } : {}), instructions: [] });
    } else if (stages.length === 0) {
      throw new DockerfileError(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { stages, instructions };
}

/** Variables a stage's ENV instructions set, in the `ENV KEY=value ...` form. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args, line } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    const pairs = args.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g) ?? [];
    if (pairs.join(' ') !== args.replace(/\s+/g, ' ')) throw new DockerfileError(`line ${line}: write ENV as KEY=value pairs`);
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      env[pair.slice(0, at)] = pair.slice(at + 1).replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** The exec form `["node", "..."]` of a CMD; the shell form would put a shell between the signal and node. */
export function execForm(instruction: Instruction): string[] {
  const value: unknown = instruction.args.startsWith('[') ? JSON.parse(instruction.args) : undefined;
  if (!Array.isArray(value) || !value.every((part) => typeof part === 'string')) {
    throw new DockerfileError(`line ${instruction.line}: ${instruction.keyword} must use the exec form ["...", "..."]`);
  }
  return value;
}

function patternRegExp(pattern: string): RegExp {
  if (/[[\]\\]/.test(pattern)) throw new DockerfileError(`.dockerignore pattern "${pattern}": character classes and escapes are not supported here`);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Docker's .dockerignore rules: patterns relative to the context root, `**` across directories, and a path is
 * excluded when it or one of its parent directories matches. `!` exceptions are refused rather than half-supported.
 */
export function dockerignoreMatcher(text: string): (relativePath: string) => boolean {
  const patterns: RegExp[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) throw new DockerfileError(`.dockerignore exception "${line}" is not supported by the rehearsal`);
    const cleaned = line.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.\//, '');
    if (cleaned !== '') patterns.push(patternRegExp(cleaned));
  }
  return (relativePath) => {
    const parts = relativePath.split('/').filter((part) => part !== '' && part !== '.');
    for (let end = 1; end <= parts.length; end++) {
      const candidate = parts.slice(0, end).join('/');
      if (patterns.some((pattern) => pattern.test(candidate))) return true;
    }
    return false;
  };
}
