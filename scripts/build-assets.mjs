// Copy GOV.UK Frontend's built CSS, JavaScript, fonts and images into Django's static files.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const dest = join(root, 'tide', 'core', 'static', 'govuk')

rmSync(dest, { recursive: true, force: true })
mkdirSync(dest, { recursive: true })
// The source maps too: the files name them, and production's hashed static files must resolve every reference.
for (const file of ['govuk-frontend.min.css', 'govuk-frontend.min.css.map', 'govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  cpSync(join(src, file), join(dest, file))
}
cpSync(join(src, 'assets'), join(dest, 'assets'), { recursive: true })
// The compiled CSS points at /assets/; Django serves them under /static/govuk/assets/.
const css = join(dest, 'govuk-frontend.min.css')
writeFileSync(css, readFileSync(css, 'utf8').replaceAll('url(/assets/', 'url(/static/govuk/assets/'))
console.log(`GOV.UK Frontend copied to ${dest}`)
