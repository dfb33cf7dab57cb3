// The route table. Every page renders inside AppLayout (header, navigation, main);
// RequireAuth guards the pages that need a signed-in user, and optionally a role.
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppLayout } from './components/AppLayout.tsx';
import { RequireAuth } from './components/RequireAuth.tsx';
import { UploadsProvider } from './components/uploads/UploadsProvider.tsx';
import { AccountPage } from './routes/AccountPage.tsx';
import { AdminApiPage } from './routes/AdminApiPage.tsx';
import { AdminGcPage } from './routes/AdminGcPage.tsx';
import { AdminJobsPage } from './routes/AdminJobsPage.tsx';
import { AdminUsersPage } from './routes/AdminUsersPage.tsx';
import { AttemptPage } from './routes/attempts/AttemptPage.tsx';
import { ResultPage } from './routes/attempts/ResultPage.tsx';
import { AdminCertificatesPage } from './routes/certificates/AdminCertificatesPage.tsx';
import { MyCertificatesPage } from './routes/certificates/MyCertificatesPage.tsx';
import { VerifyPage } from './routes/certificates/VerifyPage.tsx';
import { AuthorAttemptPage } from './routes/courses/AuthorAttemptPage.tsx';
import { CatalogPage } from './routes/courses/CatalogPage.tsx';
import { CourseAttemptsPage } from './routes/courses/CourseAttemptsPage.tsx';
import { CoursePage } from './routes/courses/CoursePage.tsx';
import { PlayerPage } from './routes/courses/PlayerPage.tsx';
import { ErrorPage } from './routes/ErrorPage.tsx';
import { FilesPage } from './routes/FilesPage.tsx';
import { FileViewerPage } from './routes/FileViewerPage.tsx';
import { HomePage } from './routes/HomePage.tsx';
import { LoginPage } from './routes/LoginPage.tsx';
import { NotFoundPage } from './routes/NotFoundPage.tsx';
import { SetupPage } from './routes/SetupPage.tsx';
import { WizardPage } from './routes/wizard/WizardPage.tsx';

const router = createBrowserRouter([
  {
    element: <AppLayout />,
    // Last resort, if the layout itself fails.
    errorElement: <ErrorPage standalone />,
    children: [
      {
        // A page crash shows the error page inside the normal layout.
        errorElement: <ErrorPage />,
        children: [
          { path: 'setup', element: <SetupPage /> },
          { path: 'login', element: <LoginPage /> },
          // Public: an employer verifies a certificate without an account.
          { path: 'verify/:code?', element: <VerifyPage /> },
          {
            element: <RequireAuth />,
            children: [
              { index: true, element: <HomePage /> },
              { path: 'account', element: <AccountPage /> },
              { path: 'certificates', element: <MyCertificatesPage /> },
              { path: 'courses', element: <CatalogPage /> },
              { path: 'courses/:id', element: <CoursePage /> },
              { path: 'courses/:id/versions/:version', element: <CoursePage /> },
              { path: 'courses/:courseId/files/:id', element: <FileViewerPage /> },
              { path: 'courses/:courseId/learn/:assetId', element: <PlayerPage /> },
              { path: 'attempts/:id', element: <AttemptPage /> },
              { path: 'attempts/:id/result', element: <ResultPage /> },
            ],
          },
          {
            element: <RequireAuth roles={['author', 'admin']} />,
            children: [
              { path: 'files', element: <FilesPage /> },
              { path: 'files/:id', element: <FileViewerPage /> },
              { path: 'drafts/:id/:step?', element: <WizardPage /> },
              { path: 'courses/:id/attempts', element: <CourseAttemptsPage /> },
              { path: 'courses/:id/attempts/:attemptId', element: <AuthorAttemptPage /> },
            ],
          },
          {
            element: <RequireAuth roles={['admin']} />,
            children: [
              { path: 'admin/users', element: <AdminUsersPage /> },
              { path: 'admin/jobs', element: <AdminJobsPage /> },
              { path: 'admin/storage', element: <AdminGcPage /> },
              { path: 'admin/certificates', element: <AdminCertificatesPage /> },
              { path: 'admin/api', element: <AdminApiPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  // Uploads live above the routes, so that moving between pages does not stop them.
  return (
    <UploadsProvider>
      <RouterProvider router={router} />
    </UploadsProvider>
  );
}
