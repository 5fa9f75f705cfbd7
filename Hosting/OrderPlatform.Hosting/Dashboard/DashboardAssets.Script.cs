namespace OrderPlatform.Hosting.Dashboard;

internal static partial class DashboardAssets
{
    // Polling rather than a stream: the AppHost stops Kestrel with open requests in flight, and a 1 s poll over
    // loopback costs nothing. Rows are replaced only when their data changed, so a click never lands on a row that
    // is being swapped out.
    public const string Script = """
        'use strict';
        (() => {
          const ACTION_HEADER = 'X-Dashboard-Action';
          const MAX_CONSOLE_LINES = 5000;
          const $ = (selector) => document.querySelector(selector);
          let resources = [];
          let view = 'resources';
          let selected = null;
          const consoleState = { name: null, after: 0 };
          const rowKeys = new Map();

          function el(tag, props, ...children) {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(props || {})) {
              if (key === 'dataset') Object.assign(node.dataset, value);
              else if (key === 'onclick') node.addEventListener('click', value);
              else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value);
            }
            for (const child of children.flat()) {
              if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
            }
            return node;
          }

          function setStatus(text, isError) {
            const status = $('#status');
            status.textContent = text;
            status.classList.toggle('error', !!isError);
          }

          async function api(path, options) {
            const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...options });
            if (response.status === 401) throw new Error('Signed out: open the login URL the AppHost printed.');
            if (!response.ok) throw new Error(`${path} answered ${response.status}`);
            return response.status === 200 ? response.json() : null;
          }

          const resourcePath = (name, rest) => `/api/resources/${encodeURIComponent(name)}/${rest}`;

          function endpointLinks(urls) {
            return urls.map(u => /^https?:\/\//i.test(u.url)
              ? el('a', { href: u.url, target: '_blank', rel: 'noopener noreferrer', title: u.name }, u.url)
              : el('span', { title: u.name }, u.url));
          }

          function actionButtons(r) {
            const button = (verb, label, enabled) => el('button', {
              type: 'button', dataset: { action: verb }, disabled: !enabled, onclick: () => act(r.name, verb),
            }, label);
            if (!r.canStart && !r.canStop) return [];
            return [button('stop', 'Stop', r.canStop), button('start', 'Start', r.canStart), button('restart', 'Restart', r.canStop)];
          }

          function resourceRow(r) {
            const started = r.startedAt ? new Date(r.startedAt) : null;
            const health = r.health || '';
            const checks = r.healthReports.map(h => `${h.check}: ${h.description}`).join('\n');
            return el('tr', { dataset: { resource: r.name } },
              el('td', { class: 'name' }, r.kind === 'Parameter' ? r.name : [
                el('a', { href: `#console/${encodeURIComponent(r.name)}`, title: 'Console output' }, r.name),
                el('a', { class: 'env-link', href: `#environment/${encodeURIComponent(r.name)}`, title: 'Environment' }, 'env')]),
              el('td', { class: 'kind' }, r.kind),
              el('td', { class: `state state-${r.state}` }, r.state + (r.exitCode !== null && r.exitCode !== undefined ? ` (${r.exitCode})` : '')),
              el('td', { class: `health health-${health}`, title: checks || null }, health),
              el('td', { class: 'endpoints' }, endpointLinks(r.urls)),
              el('td', { class: 'started', title: started ? started.toISOString() : null }, started ? started.toLocaleTimeString() : ''),
              el('td', { class: 'restarts' }, r.restarts),
              el('td', { class: 'pids' }, r.pids.join(', ')),
              el('td', { class: 'error' }, r.error ? el('pre', {}, r.error) : ''),
              el('td', { class: 'actions' }, actionButtons(r)));
          }

          function renderResources() {
            const body = $('#resources tbody');
            const seen = new Set();
            let previous = null;
            for (const r of resources) {
              seen.add(r.name);
              const key = JSON.stringify(r);
              let row = body.querySelector(`tr[data-resource="${CSS.escape(r.name)}"]`);
              if (!row || rowKeys.get(r.name) !== key) {
                const fresh = resourceRow(r);
                if (row) row.replaceWith(fresh); else body.append(fresh);
                row = fresh;
                rowKeys.set(r.name, key);
              }
              if (previous ? previous.nextElementSibling !== row : body.firstElementChild !== row) {
                if (previous) previous.after(row); else body.prepend(row);
              }
              previous = row;
            }
            for (const row of [...body.children]) {
              if (!seen.has(row.dataset.resource)) { rowKeys.delete(row.dataset.resource); row.remove(); }
            }
            const live = resources.filter(r => r.kind !== 'Parameter');
            const healthy = live.filter(r => r.health === 'Healthy').length;
            $('#summary').textContent = `${live.length} resources, ${healthy} healthy`;
          }

          function fillSelect(select) {
            const names = resources.filter(r => r.kind !== 'Parameter').map(r => r.name);
            if (select.options.length !== names.length || names.some((n, i) => select.options[i].value !== n)) {
              select.replaceChildren(...names.map(n => el('option', { value: n }, n)));
            }
            if (selected && names.includes(selected)) select.value = selected;
          }

          async function refreshResources() {
            const data = await api('/api/resources');
            resources = data.resources;
            renderResources();
            fillSelect($('#console-resource'));
            fillSelect($('#environment-resource'));
            if (!selected && resources.length) {
              const first = resources.find(r => r.kind !== 'Parameter');
              if (first && view !== 'resources') navigate(view, first.name);
            }
          }

          async function act(name, verb) {
            try {
              setStatus(`${verb} ${name}...`);
              await api(resourcePath(name, verb), { method: 'POST', headers: { [ACTION_HEADER]: '1' } });
              await refresh();
            } catch (e) {
              setStatus(e.message, true);
            }
          }

          async function refreshConsole() {
            if (!selected) return;
            const target = $('#console-lines');
            if (consoleState.name !== selected) {
              consoleState.name = selected;
              consoleState.after = 0;
              target.replaceChildren();
            }
            const data = await api(resourcePath(selected, `logs?after=${consoleState.after}`));
            if (data.resource !== consoleState.name) return;
            consoleState.after = data.last;
            if (!data.lines.length) return;
            const fragment = document.createDocumentFragment();
            for (const line of data.lines) {
              const time = new Date(line.time).toLocaleTimeString();
              fragment.append(el('span', { class: line.err ? 'err' : null }, el('span', { class: 'time' }, time), line.text, '\n'));
            }
            target.append(fragment);
            while (target.childElementCount > MAX_CONSOLE_LINES) target.firstElementChild.remove();
            if ($('#console-follow').checked) target.scrollTop = target.scrollHeight;
          }

          async function refreshEnvironment() {
            if (!selected) return;
            const data = await api(resourcePath(selected, 'environment'));
            const rows = data.variables.map(v => el('tr', {}, el('td', {}, v.name), el('td', {}, v.value)));
            $('#environment tbody').replaceChildren(...(rows.length ? rows
              : [el('tr', {}, el('td', { colspan: 2, class: 'hint' }, 'No environment yet: it is shown once the resource has started.'))]));
          }

          function navigate(target, name) {
            location.hash = name ? `${target}/${encodeURIComponent(name)}` : target;
          }

          function route() {
            const [target, name] = location.hash.slice(1).split('/');
            view = ['resources', 'console', 'environment'].includes(target) ? target : 'resources';
            selected = name ? decodeURIComponent(name) : null;
            for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== `view-${view}`;
            for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === view);
            if (selected) { $('#console-resource').value = selected; $('#environment-resource').value = selected; }
            if (view !== 'resources') refresh();
          }

          // One refresh at a time: two overlapping console polls would both append the same lines.
          let queue = Promise.resolve();
          function refresh() {
            queue = queue.then(async () => {
              try {
                await refreshResources();
                if (view === 'console') await refreshConsole();
                if (view === 'environment') await refreshEnvironment();
                setStatus(`Updated ${new Date().toLocaleTimeString()}`);
              } catch (e) {
                setStatus(e instanceof TypeError ? 'The AppHost is not answering (stopped?).' : e.message, true);
              }
            });
            return queue;
          }

          async function poll() {
            if (!document.hidden) await refresh();
            setTimeout(poll, view === 'console' ? 500 : 1000);
          }

          document.addEventListener('DOMContentLoaded', () => {
            $('#console-resource').addEventListener('change', e => navigate('console', e.target.value));
            $('#environment-resource').addEventListener('change', e => navigate('environment', e.target.value));
            window.addEventListener('hashchange', route);
            route();
            poll();
          });
        })();
        """;
}
