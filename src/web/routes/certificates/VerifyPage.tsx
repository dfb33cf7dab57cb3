// The public verification page (works signed out): /verify/CODE shows what the code certifies and
// its status; /verify has a code field and a drop zone for a certificate PDF, whose SHA-256 the
// server compares with the PDFs it issued.
import { Alert, Button, Card, Center, FileButton, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { formatCode, normalizeCode, type VerificationView } from '../../../shared/certificates.ts';
import { certificatesApi, type VerifyUploadAnswer } from '../../certificates-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { CertificateStatusBadge } from './status.tsx';

const STATUS_WORDS = {
  valid: 'This certificate is valid.',
  expired: 'This certificate was genuine but has expired.',
  revoked: 'This certificate has been revoked by the issuer.',
} as const;

export function VerifyPage() {
  const { code } = useParams();
  return (
    <Stack maw={720}>
      <PageTitle>Verify a certificate</PageTitle>
      {code ? <CodeResult code={code} /> : null}
      <CodeForm initial={code ?? ''} />
      <UploadForm />
    </Stack>
  );
}

function CodeResult({ code }: { code: string }) {
  const query = useQuery({
    queryKey: queryKeys.verification(code),
    queryFn: () => certificatesApi.verify(code),
    retry: false,
  });
  if (query.isPending) {
    return (
      <Center py="md" role="status">
        <Loader size="sm" aria-hidden="true" />
        <Text ml="sm">Checking the code…</Text>
      </Center>
    );
  }
  if (query.error) {
    return (
      <Alert color="red" variant="light" role="alert" title="Could not check the code">
        {errorMessage(query.error)}
      </Alert>
    );
  }
  if (!query.data) {
    return (
      <Alert color="red" variant="light" role="status" title="Not issued here">
        No certificate with the code <span className="mono">{code}</span> was issued here. Check the code for typing
        mistakes.
      </Alert>
    );
  }
  return <VerificationCard certificate={query.data} />;
}

function VerificationCard({ certificate: c }: { certificate: VerificationView }) {
  const headingId = useId();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId} role="status">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={2} size="h3" id={headingId}>
          {STATUS_WORDS[c.status]}
        </Title>
        <CertificateStatusBadge status={c.status} size="lg" />
      </Group>
      <dl className="facts">
        <dt>Code</dt>
        <dd className="mono">{formatCode(c.code)}</dd>
        <dt>Holder</dt>
        <dd>{c.holderName}</dd>
        <dt>Course</dt>
        <dd>{c.courseTitle}</dd>
        <dt>Version</dt>
        <dd>
          {c.version}
          {c.versionLabel ? ` (${c.versionLabel})` : ''}
        </dd>
        <dt>Completed</dt>
        <dd>{formatDateTime(c.completedAt)}</dd>
        <dt>Issued</dt>
        <dd>{formatDateTime(c.issuedAt)}</dd>
        <dt>Valid until</dt>
        <dd>{c.expiresAt ? formatDateTime(c.expiresAt) : 'Does not expire'}</dd>
        {c.revokedAt && (
          <>
            <dt>Revoked</dt>
            <dd>{formatDateTime(c.revokedAt)}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}

function CodeForm({ initial }: { initial: string }) {
  const navigate = useNavigate();
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    const code = normalizeCode(value);
    if (!code) {
      setError('A certificate code has 26 letters and digits (dashes and spaces do not matter).');
      return;
    }
    setError(null);
    navigate(`/verify/${code}`);
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="by-code-heading">
      <Title order={2} size="h4" id="by-code-heading" mb="xs">
        By code
      </Title>
      <Group align="flex-end">
        <TextInput
          label="Certificate code"
          description="Printed under the QR code, e.g. 01234-56789-ABCDE-FGHJK-MNPQR-S"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={error}
          autoComplete="off"
          spellCheck={false}
          flex={1}
          miw={240}
        />
        <Button type="submit">Verify</Button>
      </Group>
    </form>
  );
}

function UploadForm() {
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<VerifyUploadAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reset = useRef<() => void>(null);

  async function check(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      setAnswer(await certificatesApi.verifyUpload(file));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      reset.current?.();
    }
  }

  return (
    <section aria-labelledby="by-file-heading">
      <Title order={2} size="h4" id="by-file-heading" mb="xs">
        By PDF file
      </Title>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping a file is a pointer shortcut; the button inside does the same from the keyboard. */}
      <div
        className="drop-zone"
        data-dragging={dragging}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void check(e.dataTransfer.files[0]);
        }}
      >
        <Text mb="sm">
          Drop a certificate PDF here, or choose one. It is compared with the certificates issued here and not kept.
        </Text>
        <FileButton resetRef={reset} onChange={(file) => void check(file ?? undefined)} accept="application/pdf,.pdf">
          {(props) => (
            <Button {...props} variant="default" loading={busy}>
              Choose a PDF…
            </Button>
          )}
        </FileButton>
      </div>
      <div aria-live="polite">
        {error && (
          <Alert color="red" variant="light" mt="sm" title="Could not check the file">
            {error}
          </Alert>
        )}
        {answer && !answer.issuedHere && (
          <Alert color="red" variant="light" mt="sm" title="Not issued here">
            {answer.message}
          </Alert>
        )}
        {answer?.issuedHere && (
          <Stack mt="sm" gap="xs">
            <Text fw={600}>The PDF you chose was issued here, unchanged.</Text>
            <VerificationCard certificate={answer.certificate} />
          </Stack>
        )}
      </div>
    </section>
  );
}
