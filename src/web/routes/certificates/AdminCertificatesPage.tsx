// Administrators' certificates: search by holder, email, course or code; revoke one with a reason
// (the public page then says revoked); re-issue one (a new certificate with the holder's current
// name, the old one revoked). How long a course's certificates stay valid is set on the course page.
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { type AdminCertificateView, formatCode } from '../../../shared/certificates.ts';
import { certificatePdfUrl, certificatesApi } from '../../certificates-api.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { TableScroller } from '../../components/TableScroller.tsx';
import { errorMessage } from '../../forms.ts';
import { formatDateTime } from '../../format.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { CertificateStatusBadge } from './status.tsx';

export function AdminCertificatesPage() {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [revoking, setRevoking] = useState<AdminCertificateView | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const client = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.adminCertificates(q), queryFn: () => certificatesApi.search(q) });
  const rows = query.data?.certificates ?? null;
  const refresh = () => client.invalidateQueries({ queryKey: ['admin', 'certificates'] });

  async function reissue(c: AdminCertificateView) {
    setBusyId(c.id);
    try {
      const { certificate } = await certificatesApi.reissue(c.id);
      notifications.show({
        color: 'green',
        message: `Re-issued to ${certificate.holderName} as ${formatCode(certificate.code)}; the old one is revoked.`,
      });
      await refresh();
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusyId(null);
    }
  }

  return (
    <Stack>
      <PageTitle>Certificates</PageTitle>
      <Text size="sm" maw="70ch">
        How long a course's certificates stay valid, and how they look, is set on the course's page under Certificate.
      </Text>
      <TextInput
        label="Search certificates"
        description="Holder name or email, course title, or the certificate code"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={480}
        type="search"
      />
      {query.error && (
        <Alert color="red" variant="light" role="alert">
          Certificates could not be loaded: {errorMessage(query.error)}
        </Alert>
      )}
      {!rows && !query.error && (
        <Center py="lg" role="status">
          <Loader size="sm" aria-hidden="true" />
          <Text ml="sm">Loading certificates…</Text>
        </Center>
      )}
      {rows && (
        <Text size="sm" role="status">
          {rows.length === 0
            ? 'No certificates match.'
            : `${rows.length} certificate${rows.length === 1 ? '' : 's'}${rows.length >= 200 ? ' (the newest 200)' : ''}.`}
        </Text>
      )}
      {rows && rows.length > 0 && (
        <TableScroller minWidth={960} label="Certificates">
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Holder</Table.Th>
                <Table.Th scope="col">Course</Table.Th>
                <Table.Th scope="col">Issued</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Code</Table.Th>
                <Table.Th scope="col">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text size="sm">{c.holderName}</Text>
                    <Text size="xs" c="gray.7">
                      {c.holderEmail}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/courses/${c.courseId}`} size="sm">
                      {c.courseTitle}
                    </Anchor>
                    <Text size="xs" c="gray.7">
                      Version {c.version}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(c.issuedAt)}</Text>
                    {c.expiresAt && (
                      <Text size="xs" c="gray.7">
                        until {formatDateTime(c.expiresAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <CertificateStatusBadge status={c.status} />
                    {c.revokedReason && (
                      <Text size="xs" c="gray.7" maw={220}>
                        {c.revokedReason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/verify/${c.code}`} size="xs" className="mono">
                      {formatCode(c.code)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        component="a"
                        href={certificatePdfUrl(c.id)}
                        aria-label={`Download the PDF of ${c.holderName}'s certificate for ${c.courseTitle}`}
                      >
                        PDF
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        loading={busyId === c.id}
                        onClick={() => void reissue(c)}
                        aria-label={`Re-issue ${c.holderName}'s certificate for ${c.courseTitle}`}
                      >
                        Re-issue
                      </Button>
                      {c.status !== 'revoked' && (
                        <Button
                          size="xs"
                          color="red.9"
                          variant="outline"
                          onClick={() => setRevoking(c)}
                          aria-label={`Revoke ${c.holderName}'s certificate for ${c.courseTitle}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroller>
      )}
      <RevokeDialog certificate={revoking} onClose={() => setRevoking(null)} onRevoked={() => void refresh()} />
    </Stack>
  );
}

function RevokeDialog({
  certificate,
  onClose,
  onRevoked,
}: {
  certificate: AdminCertificateView | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setReason('');
    setError(null);
    onClose();
  };
  async function revoke() {
    if (!certificate) return;
    if (reason.trim().length < 3) {
      setError('Give a reason of at least 3 characters.');
      return;
    }
    setBusy(true);
    try {
      await certificatesApi.revoke(certificate.id, reason.trim());
      notifications.show({
        color: 'green',
        message: `Revoked ${certificate.holderName}'s certificate for ${certificate.courseTitle}.`,
      });
      onRevoked();
      close();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal.Root opened={certificate !== null} onClose={close}>
      <Modal.Overlay />
      <Modal.Content>
        {/* role none: a <header> directly in the dialog would count as a second page banner. */}
        <Modal.Header role="none">
          <Modal.Title>Revoke a certificate</Modal.Title>
          <Modal.CloseButton aria-label="Close" />
        </Modal.Header>
        <Modal.Body>
          {certificate && (
            <Stack>
              <Text size="sm">
                {certificate.holderName}, {certificate.courseTitle} (version {certificate.version}). The public
                verification page will say revoked from now on. This cannot be undone; re-issue to give the holder a new
                one.
              </Text>
              <Textarea
                label="Reason"
                description="Kept for administrators; the public page does not show it."
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={error}
                autosize
                minRows={2}
                data-autofocus
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button color="red.9" loading={busy} onClick={() => void revoke()}>
                  Revoke certificate
                </Button>
              </Group>
            </Stack>
          )}
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
