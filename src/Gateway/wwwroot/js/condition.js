// Live validation of a targeting condition (MongoDB-style, as GrowthBook evaluates it).
export const OPERATORS = new Set([
  '$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$all', '$elemMatch', '$size', '$exists',
  '$type', '$regex', '$options', '$not', '$and', '$or', '$nor', '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte',
]);

export const EXAMPLE_CONDITION = {
  country: { $in: ['US', 'CA'] },
  'device.os': 'ios',
  app_version: { $vgte: '2.1.0' },
  $or: [{ plan: 'pro' }, { signup_days: { $lt: 30 } }],
};

function position(text, message) {
  const m = /position (\d+)/i.exec(message);
  if (!m || /line \d+/i.test(message)) return '';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return ` (line ${line}, column ${col})`;
}

function walk(node, path, problems, warnings) {
  if (Array.isArray(node)) {
    node.forEach((x, i) => walk(x, `${path}[${i}]`, problems, warnings));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    const here = path ? `${path}.${k}` : k;
    if (k.startsWith('$')) {
      if (!OPERATORS.has(k)) warnings.push(`unknown operator ${k} at ${here}: the condition will be false`);
      if ((k === '$and' || k === '$or' || k === '$nor' || k === '$in' || k === '$nin' || k === '$all') && !Array.isArray(v)) {
        problems.push(`${k} at ${here} needs an array`);
      }
      if (k === '$regex' && typeof v === 'string') {
        try { new RegExp(v); } catch { warnings.push(`invalid regex at ${here}: the condition will be false`); }
      }
      if (k === '$size' && typeof v !== 'number' && (typeof v !== 'object' || v === null)) problems.push(`$size at ${here} needs a number or a condition`);
    }
    walk(v, here, problems, warnings);
  }
}

/**
 * Validates the editor text. Returns { ok, empty, value, message, warnings }.
 * An empty text means "no condition" and is valid.
 */
export function validateCondition(text) {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, empty: true, value: null, message: 'No condition: every unit is eligible.', warnings: [] };
  let value;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { ok: false, empty: false, value: null, message: `Invalid JSON${position(trimmed, err.message)}: ${err.message}`, warnings: [] };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, empty: false, value: null, message: 'The condition must be a JSON object, e.g. {"country": "US"}.', warnings: [] };
  }
  const problems = [];
  const warnings = [];
  walk(value, '', problems, warnings);
  if (problems.length) return { ok: false, empty: false, value, message: problems.join('; '), warnings };
  const n = Object.keys(value).length;
  return { ok: true, empty: false, value, message: `Valid condition with ${n} top-level clause${n === 1 ? '' : 's'}.`, warnings };
}
