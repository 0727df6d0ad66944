// Bank statements, for staff (every shop) and for a supplier (its own invoices): upload a 1C
// «ClientBankExchange» file and read its matching report — matched (with links to the orders),
// already recorded, ambiguous (with the candidate invoices) and unmatched — and the history of
// uploads, each opening its stored report. A malformed file's error names its line (the API's).
import UploadFileIcon from '@mui/icons-material/UploadFile';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { type FormEvent, useEffect, useState } from 'react';
import {
  Datagrid,
  FunctionField,
  List,
  NumberField,
  ReferenceField,
  TextField,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { Link } from 'react-router-dom';
import { ErrorText, Loading, LocalDateField, Money, useConsoleData } from '../components/common.tsx';
import { ListPagination } from '../components/ListPagination.tsx';
import { problemText } from './shared.tsx';

export type Audience = 'admin' | 'supplier';

interface DocumentRef {
  line: number;
  number: string;
  date: string;
  amount: string;
  payer_inn: string;
  payer_name: string;
  purpose: string;
}
interface Candidate {
  invoice_number: string;
  order_id: number;
  part_id: number;
  amount: string;
}
type MatchedDocument = DocumentRef & Candidate & { payment_id: number };

export interface StatementReport {
  statement_id: number;
  encoding: string;
  documents: number;
  matched: MatchedDocument[];
  already_recorded: MatchedDocument[];
  ambiguous: (DocumentRef & { reason: string; candidates: Candidate[] })[];
  unmatched: (DocumentRef & { reason: string })[];
}

/** The order page of whoever reads the report. */
function orderLink(audience: Audience, orderId: number): string {
  return audience === 'admin' ? `/orders/${orderId}/show` : `/supplier-orders/${orderId}/show`;
}

function Section(props: {
  title: string;
  count: number;
  severity: 'success' | 'info' | 'warning' | 'error';
  children: React.ReactNode;
}) {
  const translate = useTranslate();
  return (
    <Box component="section" aria-label={props.title} sx={{ display: 'grid', gap: 0.5 }}>
      <Alert severity={props.severity} icon={false} sx={{ py: 0 }}>
        <strong>{props.title}</strong>: {props.count || translate('console.statements.none')}
      </Alert>
      {props.count ? <Box sx={{ overflowX: 'auto' }}>{props.children}</Box> : null}
    </Box>
  );
}

function DocumentCells({ doc }: { doc: DocumentRef }) {
  return (
    <>
      <TableCell>{doc.line}</TableCell>
      <TableCell>
        № {doc.number} от {doc.date}
      </TableCell>
      <TableCell align="right">
        <Money amount={doc.amount} />
      </TableCell>
      <TableCell>
        {doc.payer_name}
        {doc.payer_inn ? ` (ИНН ${doc.payer_inn})` : ''}
      </TableCell>
      <TableCell sx={{ maxWidth: 320 }}>{doc.purpose}</TableCell>
    </>
  );
}

function HeadCells({ extra }: { extra: string[] }) {
  const translate = useTranslate();
  return (
    <TableHead>
      <TableRow>
        <TableCell>{translate('console.statements.line')}</TableCell>
        <TableCell>{translate('console.statements.document')}</TableCell>
        <TableCell align="right">{translate('console.payments.amount')}</TableCell>
        <TableCell>{translate('console.statements.payer')}</TableCell>
        <TableCell>{translate('console.statements.purpose')}</TableCell>
        {extra.map((label) => (
          <TableCell key={label}>{translate(label)}</TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}

function InvoiceLink({ audience, candidate }: { audience: Audience; candidate: Candidate }) {
  const translate = useTranslate();
  return (
    <Link to={orderLink(audience, candidate.order_id)}>
      {translate('console.statements.invoice')} {candidate.invoice_number} ·{' '}
      {translate('console.statements.order')} #{candidate.order_id}
    </Link>
  );
}

function MatchedTable({
  rows,
  audience,
  label,
}: {
  rows: MatchedDocument[];
  audience: Audience;
  label: string;
}) {
  return (
    <Table size="small" aria-label={label}>
      <HeadCells extra={['console.statements.invoice']} />
      <TableBody>
        {rows.map((doc) => (
          <TableRow key={`${doc.line}-${doc.payment_id}`}>
            <DocumentCells doc={doc} />
            <TableCell>
              <InvoiceLink audience={audience} candidate={doc} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function StatementReportView({ report, audience }: { report: StatementReport; audience: Audience }) {
  const translate = useTranslate();
  const reason = (code: string) => translate(`console.statements.reasons.${code}`, { _: code });
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }}>
      <Typography variant="body2">
        {translate('console.statements.report_summary', {
          documents: report.documents,
          encoding: report.encoding,
        })}
      </Typography>
      <Section
        title={translate('console.statements.matched')}
        count={report.matched.length}
        severity="success"
      >
        <MatchedTable
          rows={report.matched}
          audience={audience}
          label={translate('console.statements.matched')}
        />
      </Section>
      <Section
        title={translate('console.statements.already_recorded')}
        count={report.already_recorded.length}
        severity="info"
      >
        <MatchedTable
          rows={report.already_recorded}
          audience={audience}
          label={translate('console.statements.already_recorded')}
        />
      </Section>
      <Section
        title={translate('console.statements.ambiguous')}
        count={report.ambiguous.length}
        severity="warning"
      >
        <Table size="small" aria-label={translate('console.statements.ambiguous')}>
          <HeadCells extra={['console.statements.reason', 'console.statements.candidates']} />
          <TableBody>
            {report.ambiguous.map((doc) => (
              <TableRow key={doc.line}>
                <DocumentCells doc={doc} />
                <TableCell>{reason(doc.reason)}</TableCell>
                <TableCell>
                  {doc.candidates.map((candidate) => (
                    <Box key={candidate.part_id}>
                      <InvoiceLink audience={audience} candidate={candidate} /> (
                      <Money amount={candidate.amount} />)
                    </Box>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>
      <Section
        title={translate('console.statements.unmatched')}
        count={report.unmatched.length}
        severity="error"
      >
        <Table size="small" aria-label={translate('console.statements.unmatched')}>
          <HeadCells extra={['console.statements.reason']} />
          <TableBody>
            {report.unmatched.map((doc) => (
              <TableRow key={doc.line}>
                <DocumentCells doc={doc} />
                <TableCell>{reason(doc.reason)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Section>
    </Box>
  );
}

function UploadCard({ audience }: { audience: Audience }) {
  const translate = useTranslate();
  const data = useConsoleData();
  const refresh = useRefresh();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ report: StatementReport; file: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const report = await data.call<StatementReport>('POST', `/api/v2/${audience}/payments/statements`, {
        body: form,
      });
      setResult({ report, file: file.name });
      refresh();
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent sx={{ display: 'grid', gap: 1.5 }}>
        <Typography variant="h6" component="h2">
          {translate('console.statements.upload_title')}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('console.statements.upload_hint')}
        </Typography>
        <Box
          component="form"
          onSubmit={submit}
          aria-label={translate('console.statements.upload_title')}
          sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1 }}
        >
          <Button component="label" variant="outlined" startIcon={<UploadFileIcon />}>
            {translate('console.statements.choose_file')}
            <input
              type="file"
              hidden
              aria-label={translate('console.statements.file')}
              accept=".txt,text/plain"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </Button>
          <Typography variant="body2">{file?.name ?? ''}</Typography>
          <Button type="submit" variant="contained" disabled={!file || busy}>
            {busy ? translate('console.statements.uploading') : translate('console.statements.upload')}
          </Button>
        </Box>
        {error ? <Alert severity="error">{translate(error, { _: error })}</Alert> : null}
        {result ? (
          <Box
            component="section"
            aria-label={translate('console.statements.report_title', { file: result.file })}
          >
            <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
              {translate('console.statements.report_title', { file: result.file })}
            </Typography>
            <StatementReportView report={result.report} audience={audience} />
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** A stored upload's report, opened from the history. */
function StoredReport({ audience }: { audience: Audience }) {
  const record = useRecordContext<{ id: number }>();
  const data = useConsoleData();
  const [report, setReport] = useState<StatementReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!record) return;
    data
      .call<StatementReport>('GET', `/api/v2/${audience}/payments/statements/{id}`, {
        params: { path: { id: record.id } },
      })
      .then(setReport, setError);
  }, [record, audience, data]);
  if (error) return <ErrorText error={error} />;
  if (!report) return <Loading />;
  return (
    <Box sx={{ p: 1 }}>
      <StatementReportView report={report} audience={audience} />
    </Box>
  );
}

export function StatementsPage({ audience }: { audience: Audience }) {
  const translate = useTranslate();
  return (
    <Box sx={{ mt: 1 }}>
      <UploadCard audience={audience} />
      <Typography variant="h6" component="h2">
        {translate('console.statements.history')}
      </Typography>
      <List
        resource={audience === 'admin' ? 'payment-statements' : 'supplier-payment-statements'}
        pagination={<ListPagination />}
        perPage={25}
        empty={false}
        title={translate('console.statements.history')}
        disableSyncWithLocation
      >
        <Datagrid bulkActionButtons={false} expand={<StoredReport audience={audience} />} rowClick="expand">
          <LocalDateField
            source="created_at"
            label="console.statements.uploaded_at"
            showTime
            sortable={false}
          />
          <TextField source="file_name" label="console.statements.file" sortable={false} />
          {audience === 'admin' ? (
            <FunctionField
              label="console.statements.shop"
              render={(record: { shop_id: number | null }) =>
                record.shop_id === null ? (
                  translate('console.statements.all_shops')
                ) : (
                  <ReferenceField source="shop_id" reference="shops" link={false} />
                )
              }
            />
          ) : null}
          <NumberField source="documents" label="console.statements.documents" sortable={false} />
          <NumberField source="matched" label="console.statements.columns.matched" sortable={false} />
          <NumberField
            source="already_recorded"
            label="console.statements.columns.already_recorded"
            sortable={false}
          />
          <NumberField source="ambiguous" label="console.statements.columns.ambiguous" sortable={false} />
          <NumberField source="unmatched" label="console.statements.columns.unmatched" sortable={false} />
        </Datagrid>
      </List>
    </Box>
  );
}

export const AdminStatements = () => <StatementsPage audience="admin" />;
export const SupplierStatements = () => <StatementsPage audience="supplier" />;
