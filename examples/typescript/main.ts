/**
 * The app `cdk8s synth` runs (cdk8s.yaml): the one place that reads files. Writes
 * dist/shop.k8s.yaml and dist/notes.k8s.yaml.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { notesChart } from './src/notes-chart';
import { ShopChart } from './src/shop-chart';

const spec = (file: string) => ({ path: file, text: fs.readFileSync(path.join(__dirname, '..', file), 'utf8') });

const app = new App();
new ShopChart(app, 'shop', { image: 'registry.example.com/shop:1.8.0' });
notesChart(app, spec('specs/notes/service.yaml'), spec('specs/notes/prod.yaml'));
app.synth();
