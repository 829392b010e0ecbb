// Builds the web app's static files into one folder that dispo-web serves as is:
//   node build.mjs --src <clients/web/app> --out <dist> [--communes <publishers/src/communes.cc>]
// Run from the npm project folder (where node_modules is). Nothing is fetched from outside:
// DSFR's CSS, fonts and icons and Leaflet are copied from node_modules; the communes and the
// départements' outlines come from the simulator's communes (publishers/src/communes.cc).
import { createRequire } from 'node:module';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(args.src ?? here);
const out = resolve(args.out ?? join(here, 'dist'));
const communesSource = resolve(args.communes ?? join(src, '../../../publishers/src/communes.cc'));
const modules = resolve('node_modules');
// esbuild comes from the npm project this runs in (the build tree), not from beside this file.
const { build } = createRequire(join(process.cwd(), 'package.json'))('esbuild');
const dsfr = join(modules, '@gouvfr/dsfr/dist');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Only the DSFR parts the pages use (core and fourteen components, screen and print), and only
// the icons they name: a third of DSFR's full CSS. Fonts and icons are copied by esbuild.
const COMPONENTS = ['alert', 'badge', 'button', 'checkbox', 'form', 'footer', 'header', 'input', 'link', 'logo',
  'navigation', 'select', 'skiplink', 'table'];
const parts = [['core', 'core'], ...COMPONENTS.map((c) => [`component/${c}`, c])];
const usedIcons = new Set();
for (const file of sourceFiles(join(src, 'src'))) {
  for (const [name] of readFileSync(file, 'utf8').matchAll(/fr-icon-[a-z0-9-]+/g)) usedIcons.add(name);
}
const iconRules = readFileSync(join(dsfr, 'utility/icons/icons.min.css'), 'utf8')
  .match(/[^{}]+\{[^{}]*\}/g)
  .filter((rule) => [...usedIcons].some((icon) => new RegExp(`\\.${icon}(?![a-z0-9-])`).test(rule.split('{')[0])))
  .map((rule) => rule.replace(/url\(\.\.\/\.\.\/icons\//g, `url(${join(dsfr, 'icons')}/`));
const entry = join(process.cwd(), 'dsfr-entry.css');
writeFileSync(entry, [
  ...parts.flatMap(([dir, name]) => [`@import "${join(dsfr, dir, `${name}.main.min.css`)}";`,
    `@import "${join(dsfr, dir, `${name}.print.min.css`)}" print;`]),
  iconRules.join('\n'),
].join('\n'));

await build({
  entryPoints: { app: join(src, 'src/main.js'), style: join(src, 'src/style.css'), dsfr: entry },
  bundle: true, minify: true, format: 'esm', target: 'es2020', sourcemap: true, splitting: true,
  outdir: out, nodePaths: [modules], loader: { '.png': 'file', '.svg': 'file', '.woff2': 'file', '.woff': 'empty' },
  assetNames: 'assets/[name]-[hash]', chunkNames: 'chunks/[name]-[hash]', logLevel: 'warning',
});

cpSync(join(dsfr, 'favicon'), join(out, 'favicon'), { recursive: true });
for (const page of ['index.html']) cpSync(join(src, 'src', page), join(out, page));
if (existsSync(join(src, 'src/config.json'))) cpSync(join(src, 'src/config.json'), join(out, 'config.json'));

writeFileSync(join(out, 'geo.json'), JSON.stringify(readGeography(communesSource)));

// The simulator's communes per département, and each département's outline as the convex hull of
// its communes (an approximation the map labels as such; no outside geometry is fetched).
function readGeography(file) {
  if (!existsSync(file)) return { departements: {} };
  const text = readFileSync(file, 'utf8');
  const arrays = {};
  for (const [, name, body] of text.matchAll(/constexpr Commune (k\w+)\[\] = \{([\s\S]*?)\n\};/g)) {
    arrays[name] = [...body.matchAll(/\{"(\w+)", "([^"]+)", ([-\d.]+), ([-\d.]+), (\d+)\}/g)]
      .map(([, insee, name, lat, lon]) => ({ insee, name, lat: +lat, lon: +lon }));
  }
  const departements = {};
  const table = text.match(/kDepartements\[\] = \{([\s\S]*?)\n\};/)?.[1] ?? '';
  for (const [, code, name, array] of table.matchAll(/\{"(\w+)", "([^"]+)", \w+, (k\w+),/g)) {
    const communes = arrays[array] ?? [];
    departements[code] = { code, name, communes, outline: hull(communes.map((c) => [c.lat, c.lon])) };
  }
  return { departements };
}

function hull(points) {
  const p = [...points].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  if (p.length < 3) return p;
  const cross = (o, a, b) => (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1]);
  const half = (list) => list.reduce((h, q) => {
    while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], q) <= 0) h.pop();
    h.push(q);
    return h;
  }, []);
  const lower = half(p), upper = half([...p].reverse());
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
