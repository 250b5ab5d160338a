#!/usr/bin/env python3
# The part of a vendor OpenAPI document the adapter calls, with $refs inlined and prose dropped
# (descriptions, examples, x- extensions), so the tests can check fixtures against it.
# usage: python3 scripts/openapi-subset.py SPEC OUT PREFIX 'METHOD PATH' ...
import sys, json, yaml
spec_path, out_path, prefix, *ops = sys.argv[1:]
spec = yaml.safe_load(open(spec_path)) if spec_path.endswith('.yaml') else json.load(open(spec_path))
DROP = {'description', 'example', 'examples', 'x-example', 'summary', 'externalDocs', 'title'}
def resolve(node, seen=()):
    if isinstance(node, dict):
        if '$ref' in node:
            ref = node['$ref']
            if ref in seen: return {}
            target = spec
            for part in ref.lstrip('#/').split('/'): target = target[part]
            return resolve(target, seen + (ref,))
        return {k: resolve(v, seen) for k, v in node.items() if k not in DROP and not k.startswith('x-')}
    if isinstance(node, list): return [resolve(v, seen) for v in node]
    return node
paths = {}
for op in ops:
    method, path = op.split(' ', 1)
    item = spec['paths'][prefix + path][method.lower()]
    entry = {}
    body = item.get('requestBody')
    if body: entry['requestBody'] = resolve(body)['content']['application/json']['schema']
    entry['responses'] = {}
    for status, resp in item['responses'].items():
        r = resolve(resp)
        if 'content' in r and 'application/json' in r['content']:
            entry['responses'][status] = r['content']['application/json']['schema']
    paths.setdefault(path, {})[method.upper()] = entry
json.dump({'openapi': spec['openapi'], 'version': spec['info']['version'], 'paths': paths}, open(out_path, 'w'), indent=1, sort_keys=True)
print(out_path, sum(len(v) for v in paths.values()), 'operations')
