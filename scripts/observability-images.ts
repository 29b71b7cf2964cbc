// Prints the observability stack's upstream images as a JSON array of {name, ref} (ref: repository:tag@digest),
// for workflows that fan out per image (.github/workflows/third-party-images.yml): images.ts stays the only list.
import { imageRef, images } from "../components/observability/images";

process.stdout.write(JSON.stringify(Object.entries(images).map(([name, pin]) => ({ name, ref: imageRef(pin) }))));
