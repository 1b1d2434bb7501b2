import type { JSX } from 'preact';
import { type AppTab, hrefOf } from '../routes.js';
import { Link } from '../ui/common.js';
import { DatasetsPage } from './datasets.js';
import { InputsPage } from './inputs.js';
import { ModelsList } from './models-list.js';

const TABS: { tab: AppTab; label: string }[] = [
  { tab: 'models', label: 'Models' },
  { tab: 'inputs', label: 'Data' },
  { tab: 'datasets', label: 'Datasets' },
];

export function AppPage({ app, tab }: { app: string; tab: AppTab }): JSX.Element {
  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href={hrefOf({ page: 'apps' })}>Apps</Link> / <span>{app}</span>
      </nav>
      <h1>{app}</h1>
      <nav class="tabs" aria-label="App sections">
        {TABS.map((t) => (
          <Link key={t.tab} href={hrefOf({ page: 'app', app, tab: t.tab })} aria-current={t.tab === tab ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'models' && <ModelsList app={app} />}
      {tab === 'inputs' && <InputsPage app={app} />}
      {tab === 'datasets' && <DatasetsPage app={app} />}
    </section>
  );
}
