// On a completed course's page: the learner's certificate once issued (moments after completion;
// the live "certificate" event brings it), with a download and a link to My certificates.
import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { certificatePdfUrl, certificatesApi } from '../../certificates-api.ts';
import { queryKeys } from '../../server-state/keys.ts';
import { useLiveQuery } from '../../server-state/live-query.ts';

export function CompletionCertificate({ courseId, version }: { courseId: string; version: number }) {
  const query = useLiveQuery({
    queryKey: queryKeys.myCertificates,
    queryFn: certificatesApi.mine,
    onEvent: (event, actions) => {
      if (event.type === 'certificate') actions.reload();
    },
  });
  const certificate = query.data?.certificates.find(
    (c) => c.courseId === courseId && c.version === version && c.status !== 'revoked',
  );
  if (!certificate) {
    return query.data ? (
      <Text size="sm" mt={4}>
        Your certificate is being prepared and appears under{' '}
        <Anchor component={Link} to="/certificates">
          My certificates
        </Anchor>{' '}
        in a moment.
      </Text>
    ) : null;
  }
  return (
    <Group gap="md" mt={4}>
      <Anchor href={certificatePdfUrl(certificate.id)} download={`certificate-${certificate.code}.pdf`}>
        Download your certificate (PDF)
      </Anchor>
      <Anchor component={Link} to="/certificates">
        My certificates
      </Anchor>
    </Group>
  );
}
