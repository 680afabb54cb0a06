// Starts the NHS.UK frontend's components (error summary focus, header menu,
// password reveal, ...). The pages work without it.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

initAll()

// A "Print this page" link prints the page there and then; without
// JavaScript it opens the page's print version instead.
for (const link of document.querySelectorAll('a[data-app-print]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault()
    window.print()
  })
}
