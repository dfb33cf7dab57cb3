// Review: the whole course as it will be published, the problems that block publishing and the
// warnings that do not (each a link to the field in its step), the certificate's look with a live
// preview, and Publish.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Image,
  List,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { CertificateSettings } from '../../../shared/certificates.ts';
import type { WizardStep } from '../../../shared/drafts.ts';
import { allQuestions } from '../../../shared/quiz.ts';
import type { ReviewProblem } from '../../../shared/review.ts';
import { ApiError } from '../../api.ts';
import { derivativeUrl, hasDerivative } from '../../assets-api.ts';
import { AssetStateBadge } from '../../components/AssetStateBadge.tsx';
import { CertificatePreview } from '../../components/certificates/CertificatePreview.tsx';
import { CertificateSettingsForm } from '../../components/certificates/CertificateSettingsForm.tsx';
import { useUploadManager } from '../../components/uploads/UploadsProvider.tsx';
import { coverScope, filesScope, signatureScope } from '../../components/wizard/draft-uploads.ts';
import { useFocusRequestedPath } from '../../components/wizard/focus-path.ts';
import { purgeRemovedAsset } from '../../components/wizard/purge.ts';
import classes from '../../components/wizard/wizard.module.css';
import { useWizard } from '../../components/wizard/wizard-context.tsx';
import { STEP_LABELS } from '../../components/wizard/wizard-steps.ts';
import { certificatesApi } from '../../certificates-api.ts';
import { coursePath } from '../../courses-api.ts';
import { draftsApi, stepPath } from '../../drafts-api.ts';
import { errorMessage } from '../../forms.ts';
import { Markdown } from '../../markdown.tsx';

const WARNING_TEXT = '#8a4b00';

function ProblemList({ draftId, problems }: { draftId: string; problems: ReviewProblem[] }) {
  return (
    <List spacing={4}>
      {problems.map((problem) => (
        <List.Item key={`${problem.path}:${problem.code}`}>
          {problem.message}{' '}
          <Anchor component={Link} to={stepPath(draftId, problem.step)} state={{ focus: problem.path }}>
            {problem.step === 'review' ? 'Fix it below' : `Fix in ${STEP_LABELS[problem.step]}`}
          </Anchor>
        </List.Item>
      ))}
    </List>
  );
}

function SectionHeading({ id, draftId, step }: { id: string; draftId: string; step: WizardStep }) {
  return (
    <Group justify="space-between" mb="sm">
      <Title order={3} size="h4" id={id}>
        {STEP_LABELS[step]}
      </Title>
      <Anchor component={Link} to={stepPath(draftId, step)} size="sm">
        Edit {STEP_LABELS[step].toLowerCase()}
      </Anchor>
    </Group>
  );
}

export function ReviewStep() {
  const { saver, snapshot, problems, reviewError, refreshReview, assets, noteAsset, courseId, baseVersion } =
    useWizard();
  useFocusRequestedPath();
  const navigate = useNavigate();
  const manager = useUploadManager();
  const [publishing, setPublishing] = useState(false);
  const [publishError, setPublishError] = useState<string | null>(null);
  const ids = useId();
  const { draftId, content } = snapshot;
  const { basics, files, test } = content;
  const errors = problems?.filter((p) => p.severity === 'error') ?? [];
  const warnings = problems?.filter((p) => p.severity === 'warning') ?? [];
  const questionCount = allQuestions(test.categories).length;
  const cover = basics.coverAssetId ? assets.get(basics.coverAssetId) : undefined;
  const blocked = problems === null || errors.length > 0;
  const signatureId = content.certificate.template.signatureAssetId;
  const signature = signatureId ? assets.get(signatureId) : undefined;

  /** Saves the certificate settings with the draft; a replaced signature image is deleted once saved without it. */
  function changeCertificate(next: CertificateSettings) {
    const previous = saver.getSnapshot().content.certificate.template.signatureAssetId;
    saver.update('certificate', next);
    if (previous && previous !== next.template.signatureAssetId) {
      purgeRemovedAsset(saver, manager, previous).catch((error: unknown) =>
        notifications.show({
          color: 'red',
          message: `The previous signature image could not be deleted: ${errorMessage(error)}`,
        }),
      );
    }
  }

  async function publish() {
    if (publishing) return;
    setPublishing(true);
    setPublishError(null);
    try {
      if (!(await saver.flush())) {
        setPublishError('Your latest changes are not saved yet. Publish once the status says “Saved”.');
        return;
      }
      const result = await draftsApi.publish(draftId, saver.getSnapshot().revision);
      saver.stop();
      manager.clearFinished(filesScope(draftId));
      manager.clearFinished(coverScope(draftId));
      manager.clearFinished(signatureScope(draftId));
      notifications.show({ color: 'green', message: `${basics.title} is published (version ${result.version}).` });
      navigate(coursePath(result.courseId));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // Changed elsewhere (another tab): show what the server has now, to be reviewed again.
        const fresh = await draftsApi.get(draftId).catch(() => null);
        if (fresh) saver.adopt(fresh.draft);
        refreshReview();
        setPublishError(error.message);
      } else if (error instanceof ApiError && error.status === 422) {
        // The server found problems the page had not shown yet.
        refreshReview();
        setPublishError(error.message);
      } else {
        setPublishError(errorMessage(error));
      }
    } finally {
      setPublishing(false);
    }
  }

  return (
    <Stack gap="xl" component="section" aria-labelledby={`${ids}-heading`}>
      <Title order={2} size="h3" id={`${ids}-heading`}>
        Review
      </Title>

      {problems === null && !reviewError && <Text role="status">Checking the course…</Text>}
      {reviewError && (
        <Alert color="red" variant="light" title="Could not check the course">
          <Text mb="sm">{reviewError}</Text>
          <Button size="xs" onClick={refreshReview}>
            Try again
          </Button>
        </Alert>
      )}
      {errors.length > 0 && (
        <Alert
          color="red"
          variant="light"
          title={errors.length === 1 ? '1 problem blocks publishing' : `${errors.length} problems block publishing`}
        >
          <ProblemList draftId={draftId} problems={errors} />
        </Alert>
      )}
      {warnings.length > 0 && (
        <Alert
          color="yellow"
          variant="light"
          // Mantine's yellow text falls below 4.5:1 on its tint.
          styles={{ root: { color: WARNING_TEXT }, title: { color: WARNING_TEXT } }}
          title={warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}
        >
          <Text size="sm" mb="xs">
            These do not block publishing.
          </Text>
          <ProblemList draftId={draftId} problems={warnings} />
        </Alert>
      )}
      {problems !== null && problems.length === 0 && <Text>Everything is ready to publish.</Text>}

      <Paper withBorder p="md" component="section" aria-labelledby={`${ids}-basics`}>
        <SectionHeading id={`${ids}-basics`} draftId={draftId} step="basics" />
        <Group align="flex-start" gap="lg">
          {cover?.state === 'ready' && hasDerivative(cover, 'thumbnail') && (
            <Image
              src={derivativeUrl(cover.id, 'thumbnail')}
              alt="The course's cover image"
              className={classes.cover}
            />
          )}
          <Stack gap={4} style={{ flex: 1 }}>
            <Text fw={700} size="lg">
              {basics.title.trim() || 'Untitled course'}
              {basics.versionLabel.trim() && (
                <Text span c="dimmed" fw={400}>
                  {' '}
                  · {basics.versionLabel}
                </Text>
              )}
            </Text>
            <Text size="sm" c="dimmed">
              {courseId ? `Publishing makes version ${(baseVersion ?? 0) + 1}.` : 'Publishing makes version 1.'}{' '}
              Language: {basics.language}
            </Text>
          </Stack>
        </Group>
        {basics.shortDescription.trim() ? (
          <Markdown headingLevel={4}>{basics.shortDescription}</Markdown>
        ) : (
          <Text c="dimmed" mt="sm">
            No short description.
          </Text>
        )}
        {basics.topics.length > 0 && (
          <>
            <Text fw={500} mt="sm">
              Topics taught
            </Text>
            <List type="ordered">
              {basics.topics.map((topic, index) => (
                // Topics may repeat: the position tells them apart.
                // biome-ignore lint/suspicious/noArrayIndexKey: a read-only list
                <List.Item key={index}>{topic}</List.Item>
              ))}
            </List>
          </>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby={`${ids}-files`}>
        <SectionHeading id={`${ids}-files`} draftId={draftId} step="files" />
        {files.length === 0 ? (
          <Text c="dimmed">No files.</Text>
        ) : (
          <Table aria-labelledby={`${ids}-files`} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">#</Table.Th>
                <Table.Th scope="col">Title</Table.Th>
                <Table.Th scope="col">Required</Table.Th>
                <Table.Th scope="col">State</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {files.map((file, index) => {
                const asset = assets.get(file.assetId);
                return (
                  <Table.Tr key={file.assetId}>
                    <Table.Td>{index + 1}</Table.Td>
                    <Table.Th scope="row" fw={500}>
                      {file.title}
                      {file.description && (
                        <Text size="sm" c="dimmed" fw={400}>
                          {file.description}
                        </Text>
                      )}
                    </Table.Th>
                    <Table.Td>
                      {file.required ? 'Required' : 'Optional'}
                      {file.learnerMarksDone ? ' · learner marks it as done' : ''}
                    </Table.Td>
                    <Table.Td>
                      {asset ? <AssetStateBadge asset={asset} /> : <Badge color="gray">Checking</Badge>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby={`${ids}-test`}>
        <SectionHeading id={`${ids}-test`} draftId={draftId} step="test" />
        {test.settings.enabled ? (
          <List spacing={2}>
            <List.Item>
              {questionCount === 1 ? '1 question' : `${questionCount} questions`} in{' '}
              {test.categories.length === 1 ? '1 category' : `${test.categories.length} categories`}
            </List.Item>
            <List.Item>Pass mark: {test.settings.passMarkPercent}%</List.Item>
            <List.Item>
              Time limit:{' '}
              {test.settings.timeLimitMinutes === null ? 'none' : `${test.settings.timeLimitMinutes} minutes`}
            </List.Item>
            <List.Item>
              Attempts: {test.settings.attemptsAllowed === null ? 'unlimited' : test.settings.attemptsAllowed}
            </List.Item>
          </List>
        ) : (
          <Text c="dimmed">This course has no test.</Text>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby={`${ids}-certificate`}>
        <Title order={3} size="h4" id={`${ids}-certificate`} mb="xs">
          Certificate
        </Title>
        <Text size="sm" mb="sm">
          Learners who complete the course get a PDF certificate that looks like the preview. You can change this later
          on the course's page.
        </Text>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="xl">
          <CertificateSettingsForm
            value={content.certificate}
            onChange={changeCertificate}
            headingOrder={4}
            signature={{
              scope: signatureScope(draftId),
              draftId,
              asset: signature,
              onAssetChanged: noteAsset,
            }}
          />
          <section aria-label="Preview of the certificate">
            <CertificatePreview
              template={content.certificate.template}
              render={(template, signal) => certificatesApi.draftPreview(draftId, template, signal)}
              // The draft's title and version label are printed too; the signature once it is processed.
              refreshKey={`${basics.title}\u0000${basics.versionLabel}\u0000${signature?.state ?? ''}`}
            />
          </section>
        </SimpleGrid>
      </Paper>

      <Stack gap="xs" align="flex-start">
        {publishError && (
          <Alert color="red" variant="light" role="alert" title="Not published">
            {publishError}
          </Alert>
        )}
        <Button size="md" onClick={() => void publish()} disabled={blocked} aria-busy={publishing || undefined}>
          {courseId ? `Publish version ${(baseVersion ?? 0) + 1}` : 'Publish the course'}
        </Button>
        {errors.length > 0 && (
          <Text size="sm" c="dimmed">
            Fix the problems above to publish.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
