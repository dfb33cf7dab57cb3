// The attempt and result pages until their attempt has loaded: a spinner, or why it could not be loaded.
import { Anchor, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { ApiError } from '../../api.ts';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { errorMessage } from '../../forms.ts';

export function AttemptNotLoaded({ error, loading, failed }: { error: Error | null; loading: string; failed: string }) {
  if (!error) return <Loading>{loading}</Loading>;
  const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
  return (
    <Stack>
      <PageTitle>{missing ? 'Attempt not found' : failed}</PageTitle>
      <Text>{missing ? 'There is no such attempt, or it is not yours.' : errorMessage(error)}</Text>
      <Anchor component={Link} to="/courses">
        Back to the catalog
      </Anchor>
    </Stack>
  );
}
