// Regenerates docs/runbooks/ from the catalog and the alert rules:
//   npx vite-node alerts/write-runbooks.ts        (make runbooks)
// test/alerts/runbooks.test.ts fails while the committed files differ from what this writes.
import { catalog } from "../model/catalog";
import { runbookDirectory, writeRunbooks } from "./runbook-files";

const written = writeRunbooks(catalog);
console.log(`wrote ${written.length} files to ${runbookDirectory}`);
