// Signing in and registering: both start a session and go back where the shopper was.
import { useState, type FormEvent } from 'react';
import { Anchor, Button, Paper, PasswordInput, Radio, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { StorefrontRegisterDocument, StorefrontSignInDocument, type Role } from '../__generated__/graphql.ts';
import { executeAnonymously, startSession } from '../api/client.ts';
import { ErrorNotice } from '../components/feedback.tsx';

/** Only paths of this storefront, so a crafted link cannot send a shopper elsewhere after signing in. */
function useNext(): string {
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const navigate = useNavigate();
  const next = useNext();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => executeAnonymously(StorefrontSignInDocument, { email: email.trim(), password }),
    onSuccess: (data) => {
      startSession(data.login);
      void navigate(next, { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <Paper withBorder p="xl" maw={420} mx="auto" mt="xl">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2}>Sign in</Title>
          {signIn.error && <ErrorNotice error={signIn.error} title="Could not sign in" />}
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" loading={signIn.isPending}>
            Sign in
          </Button>
          <Text size="sm">
            New here?{' '}
            <Anchor component={Link} to={`/register?next=${encodeURIComponent(next)}`}>
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}

export function RegisterPage() {
  const navigate = useNavigate();
  const next = useNext();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('BUYER');
  const register = useMutation({
    mutationFn: () => executeAnonymously(StorefrontRegisterDocument, { input: { name: name.trim(), email: email.trim(), password, role } }),
    onSuccess: (data) => {
      startSession(data.register);
      void navigate(role === 'SELLER' && next === '/' ? '/selling' : next, { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  return (
    <Paper withBorder p="xl" maw={460} mx="auto" mt="xl">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2}>Create an account</Title>
          {register.error && <ErrorNotice error={register.error} title="Could not create the account" />}
          <TextInput label="Name" autoComplete="name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput
            label="Password"
            description="At least 10 characters, with letters and digits or symbols"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Radio.Group label="I want to" value={role} onChange={(value) => setRole(value as Role)}>
            <Group mt="xs">
              <Radio value="BUYER" label="Buy" />
              <Radio value="SELLER" label="Sell" />
            </Group>
          </Radio.Group>
          <Button type="submit" loading={register.isPending}>
            Create account
          </Button>
          <Text size="sm">
            Have an account?{' '}
            <Anchor component={Link} to={`/sign-in?next=${encodeURIComponent(next)}`}>
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
