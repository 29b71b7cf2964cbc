// Prints the catalog's service names as a JSON array, for workflows that fan out per service
// (.github/workflows/images.yml): the catalog stays the only list of services.
import { serviceNames } from "../model/catalog";

process.stdout.write(JSON.stringify(serviceNames));
