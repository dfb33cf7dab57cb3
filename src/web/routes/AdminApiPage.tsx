// Administrators read the API: every operation, grouped by feature, with who may call it, its
// parameters, its body and its answers — rendered from /api/openapi.json, which the server makes
// from the routes' contracts, so this page cannot drift from the code.
import {
  Accordion,
  Alert,
  Anchor,
  Badge,
  Center,
  Group,
  List,
  Loader,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import type { OpenApiDocument } from '../../shared/openapi.ts';
import { request } from '../api.ts';
import { PageTitle } from '../components/PageTitle.tsx';
import { errorMessage } from '../forms.ts';
import { type FieldView, filterGroups, type OperationView, operationsByTag } from '../openapi-view.ts';
import { queryKeys } from '../server-state/keys.ts';

const METHOD_COLORS: Record<string, string> = {
  GET: 'blue',
  POST: 'green',
  PUT: 'grape',
  PATCH: 'violet',
  DELETE: 'red',
  HEAD: 'gray',
};

// Long paths and type names wrap anywhere rather than widen the page on a phone.
const WRAP = { overflowWrap: 'anywhere' as const };

function FieldList({ fields }: { fields: FieldView[] }) {
  return (
    <List size="sm" spacing={2} withPadding listStyleType="disc">
      {fields.map((field) => (
        <List.Item key={field.name} style={WRAP}>
          <Text component="code" ff="monospace" fz="sm" fw={600}>
            {field.name}
          </Text>
          <Text component="span" fz="sm">
            {': '}
            {field.type}
            {field.required ? '' : ' (optional)'}
            {field.description ? ` — ${field.description}` : ''}
            {field.truncated ? ' …' : ''}
          </Text>
          {field.fields.length > 0 && <FieldList fields={field.fields} />}
        </List.Item>
      ))}
    </List>
  );
}

function OperationDetails({ operation }: { operation: OperationView }) {
  const pathParams = operation.parameters;
  return (
    <Stack gap="sm">
      <Text fz="sm">
        <Text component="span" fw={600} fz="sm">
          Who may call it:
        </Text>{' '}
        {operation.access}
      </Text>
      {pathParams.length > 0 && (
        <div>
          <Title order={4} fz="sm">
            Parameters
          </Title>
          <List size="sm" spacing={2} withPadding>
            {pathParams.map((p) => (
              <List.Item key={`${p.in}:${p.name}`} style={WRAP}>
                <Text component="code" ff="monospace" fz="sm" fw={600}>
                  {p.name}
                </Text>
                <Text component="span" fz="sm">
                  {` (${p.in === 'path' ? 'in the path' : p.in === 'query' ? 'in the query' : p.in}): ${p.type}${p.required ? '' : ', optional'}`}
                </Text>
              </List.Item>
            ))}
          </List>
        </div>
      )}
      {operation.body && (
        <div>
          <Title order={4} fz="sm">
            Request body
          </Title>
          {operation.body.length > 0 ? (
            <FieldList fields={operation.body} />
          ) : (
            <Text fz="sm" style={WRAP}>
              {operation.bodyType}
            </Text>
          )}
        </div>
      )}
      <div>
        <Title order={4} fz="sm">
          Answers
        </Title>
        <List size="sm" spacing={4} withPadding>
          {operation.responses.map((response) => (
            <List.Item key={response.status} style={WRAP}>
              <Text component="span" fw={600} fz="sm">
                {response.status}
              </Text>
              <Text component="span" fz="sm">
                {`: ${response.summary}`}
              </Text>
              {response.fields.length > 0 && <FieldList fields={response.fields} />}
            </List.Item>
          ))}
        </List>
        <Text fz="xs" c="dimmed" mt={4}>
          Errors answer {'{ error, message, issues?, retryAfterSeconds? }'}.
        </Text>
      </div>
    </Stack>
  );
}

function OperationControl({ operation }: { operation: OperationView }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Badge
        variant="light"
        color={METHOD_COLORS[operation.method] ?? 'gray'}
        radius="sm"
        miw={72}
        style={{ flexShrink: 0 }}
      >
        {operation.method}
      </Badge>
      <div style={{ minWidth: 0 }}>
        <Text ff="monospace" fz="sm" style={WRAP}>
          {operation.path}
        </Text>
        <Text fz="xs" c="dimmed">
          {operation.summary ? `${operation.summary} · ` : ''}
          {operation.access}
        </Text>
      </div>
    </Group>
  );
}

/** Mantine makes element ids from an item's value: no spaces (aria-labelledby splits on them). */
function itemValue(operation: OperationView): string {
  return `${operation.method}-${operation.path}`.replace(/[^A-Za-z0-9_-]+/g, '_');
}

/** An element id for a tag's heading (ids may not hold spaces: aria-labelledby splits on them). */
function headingId(prefix: string, tag: string): string {
  return `${prefix}-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function AdminApiPage() {
  const filterId = useId();
  const [filter, setFilter] = useState('');
  const query = useQuery({
    queryKey: queryKeys.apiReference,
    queryFn: () => request<OpenApiDocument>('GET', '/api/openapi.json'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const groups = useMemo(() => (query.data ? operationsByTag(query.data) : []), [query.data]);
  const shown = useMemo(() => filterGroups(groups, filter), [groups, filter]);
  const count = shown.reduce((n, g) => n + g.operations.length, 0);

  return (
    <Stack gap="md">
      <PageTitle>API reference</PageTitle>
      <Text>
        Every operation of this server, made from the contracts its routes declare. The machine-readable document is{' '}
        <Anchor href="/api/openapi.json" style={WRAP}>
          /api/openapi.json
        </Anchor>{' '}
        (OpenAPI 3.0).
      </Text>
      {query.isPending && (
        <Center>
          <Loader aria-label="Loading the API reference" />
        </Center>
      )}
      {query.isError && (
        <Alert color="red" variant="light" title="The API reference could not be loaded">
          {errorMessage(query.error)}
        </Alert>
      )}
      {query.data && (
        <>
          <TextInput
            id={filterId}
            label="Filter operations"
            description="By method, path, feature or access, e.g. drafts or admin"
            value={filter}
            onChange={(event) => setFilter(event.currentTarget.value)}
            maw={480}
          />
          <Text fz="sm" role="status">
            {count === 1 ? '1 operation' : `${count} operations`}
          </Text>
          {shown.map((group) => (
            <section key={group.tag} aria-labelledby={headingId(filterId, group.tag)}>
              <Title order={2} fz="h3" mb="xs" id={headingId(filterId, group.tag)}>
                {group.tag}
              </Title>
              <Accordion multiple variant="separated" order={3} chevronPosition="right">
                {group.operations.map((operation) => (
                  <Accordion.Item key={operation.key} value={itemValue(operation)}>
                    <Accordion.Control>
                      <OperationControl operation={operation} />
                    </Accordion.Control>
                    <Accordion.Panel>
                      <OperationDetails operation={operation} />
                    </Accordion.Panel>
                  </Accordion.Item>
                ))}
              </Accordion>
            </section>
          ))}
        </>
      )}
    </Stack>
  );
}
