/**
 * Just enough YAML for clouds.yaml: nested mappings by indentation, scalars (plain, 'single' and
 * "double" quoted), comments and blank lines, and block lists of scalars or of `name:` entries
 * (openstacksdk's `regions:`), kept as one comma-separated value. Anchors, flow style and other
 * lists are rejected rather than misread.
 */
export type YamlMap = { [key: string]: string | YamlMap };

export function parseCloudsYaml(text: string): YamlMap {
  const root: YamlMap = {};
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }];
  /** The key whose value is still open (an empty mapping so far): a list may follow it. */
  let open: { parent: YamlMap; key: string; indent: number; items: string[] } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw);
    if (!line.trim() || line.trim() === '---') return;
    const indent = line.length - line.trimStart().length;
    const item = /^-\s+(?:name:\s+)?(.+)$/.exec(line.trim());
    if (item && open && indent > open.indent && !/:\s|:$/.test(item[1]!)) {
      open.items.push(unquote(item[1]!.trim()));
      open.parent[open.key] = open.items.join(',');
      return;
    }
    const match = /^([^:]+?):(?:\s+(.*))?$/.exec(line.trim());
    if (!match || line.trimStart().startsWith('- ')) {
      throw new Error(`clouds.yaml line ${index + 1}: unsupported YAML`);
    }
    open = undefined;
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.map;
    const key = unquote(match[1]!.trim());
    const value = match[2]?.trim();
    if (value === undefined || value === '') {
      const child: YamlMap = {};
      parent[key] = child;
      stack.push({ indent, map: child });
      open = { parent, key, indent, items: [] };
    } else {
      parent[key] = unquote(value);
    }
  });
  return root;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'"))
    return value.slice(1, -1).replace(/''/g, "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\nt])/g, (_m, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  }
  return value;
}

/** Where openstacksdk looks for clouds.yaml, first found wins. */
export function cloudsYamlPaths(env: Readonly<Record<string, string | undefined>>): string[] {
  const paths: string[] = [];
  if (env.OS_CLIENT_CONFIG_FILE) paths.push(env.OS_CLIENT_CONFIG_FILE);
  paths.push('clouds.yaml');
  if (env.HOME) paths.push(`${env.HOME}/.config/openstack/clouds.yaml`);
  paths.push('/etc/openstack/clouds.yaml');
  return paths;
}

/** A cloud's settings flattened into OS_* variable names, so both sources share one reader. */
export function cloudAsEnv(doc: YamlMap, cloud: string): Record<string, string> | undefined {
  const clouds = doc.clouds;
  const entry = typeof clouds === 'object' ? clouds[cloud] : undefined;
  if (!entry || typeof entry !== 'object') return undefined;
  const out: Record<string, string> = {};
  const put = (map: YamlMap) => {
    for (const [key, value] of Object.entries(map)) {
      if (typeof value === 'string') out[`OS_${key.toUpperCase()}`] = value;
    }
  };
  put(entry);
  if (typeof entry.auth === 'object') put(entry.auth);
  // openstacksdk: `regions:` lists the cloud's regions; the first is the default one.
  if (!out.OS_REGION_NAME && out.OS_REGIONS) out.OS_REGION_NAME = out.OS_REGIONS.split(',')[0]!;
  return out;
}
