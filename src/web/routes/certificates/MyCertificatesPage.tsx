// The learner's certificates: each with its course, version, dates and status, a download of the
// PDF (the same bytes for ever) and a share link (the public verification page). Kept current by
// the live "certificate" event: one appears moments after completing a course.
import {
  Alert,
  Anchor,
  Button,
  Card,
  Center,
  CopyButton,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { Link } from 'react-router';
import { type CertificateView, formatCode } from '../../../shared/certificates.ts';
import { certificatePdfUrl, certificatesApi } from '../../certificates-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { useLiveQuery } from '../../server-state/live-query.ts';
import { CertificateStatusBadge } from './status.tsx';

export function MyCertificatesPage() {
  const query = useLiveQuery({
    queryKey: queryKeys.myCertificates,
    queryFn: certificatesApi.mine,
    onEvent: (event, actions) => {
      if (event.type === 'certificate') actions.reload();
    },
  });
  const certificates = query.data?.certificates ?? null;

  return (
    <Stack>
      <PageTitle>My certificates</PageTitle>
      {query.error && !certificates && (
        <Alert color="red" variant="light" role="alert">
          Your certificates could not be loaded: {errorMessage(query.error)}
        </Alert>
      )}
      {!certificates && !query.error && (
        <Center py="lg" role="status">
          <Loader size="sm" aria-hidden="true" />
          <Text ml="sm">Loading your certificates…</Text>
        </Center>
      )}
      {certificates && certificates.length === 0 && (
        <Text>
          You have no certificates yet. Complete a course and its certificate appears here moments later.{' '}
          <Anchor component={Link} to="/courses">
            Browse the courses
          </Anchor>
        </Text>
      )}
      {certificates && certificates.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }} component="ul" className="plain-list" aria-label="Your certificates">
          {certificates.map((c) => (
            <CertificateCard key={c.id} certificate={c} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function CertificateCard({ certificate: c }: { certificate: CertificateView }) {
  const headingId = `certificate-${c.id}`;
  return (
    <Card component="li" withBorder padding="md" aria-labelledby={headingId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={2} size="h4" id={headingId}>
          {c.courseTitle}
        </Title>
        <CertificateStatusBadge status={c.status} />
      </Group>
      <Text size="sm" mt={4}>
        Version {c.version}
        {c.versionLabel ? ` (${c.versionLabel})` : ''} · completed {formatDateTime(c.completedAt)}
        {c.score !== null ? ` · score ${Math.round(c.score * 10) / 10}%` : ''}
      </Text>
      <Text size="sm">
        Issued {formatDateTime(c.issuedAt)} to {c.holderName}
        {c.expiresAt
          ? ` · ${c.status === 'expired' ? 'expired' : 'valid until'} ${formatDateTime(c.expiresAt)}`
          : ' · does not expire'}
      </Text>
      <Text size="sm" c="gray.7">
        Code <span className="mono">{formatCode(c.code)}</span>
      </Text>
      <Group mt="sm" gap="sm">
        <Button
          component="a"
          href={certificatePdfUrl(c.id)}
          download={`certificate-${c.code}.pdf`}
          aria-label={`Download the certificate for ${c.courseTitle} (PDF)`}
        >
          Download PDF
        </Button>
        <CopyButton value={c.verifyUrl}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              onClick={copy}
              aria-label={
                copied ? `Share link for ${c.courseTitle} copied` : `Copy the share link for ${c.courseTitle}`
              }
            >
              {copied ? 'Link copied' : 'Copy share link'}
            </Button>
          )}
        </CopyButton>
        <Anchor component={Link} to={`/verify/${c.code}`} size="sm">
          Open the verification page
        </Anchor>
      </Group>
    </Card>
  );
}
