// Quick order: lines "артикул или название; количество" typed or uploaded (CSV/XLSX) go into the
// basket in one step (POST /api/v2/basket/quick-order). The report shows what was matched and
// added, the ambiguous lines with their candidates (picking one puts its best in-stock offer into
// the basket), the unmatched and unreadable lines.
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useRef, useState } from 'react';
import { Title, useLocale, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { ErrorText, formatMoney, useConsoleData } from '../../components/common.tsx';
import { type FillReport, FillReportView, ProblemText } from './shared.tsx';

interface LineBase {
  line: number;
  query: string;
  quantity: number;
}
interface Candidate {
  product_id: number;
  name: string;
  best_price: string | null;
}
interface QuickOrderResult extends FillReport {
  matched: (LineBase & { product_id: number; product_name: string; matched_by: string })[];
  ambiguous: (LineBase & { candidates: Candidate[] })[];
  unmatched: (LineBase & { reason: string })[];
  invalid: { line: number; text: string; reason: string }[];
}
interface Offer {
  id: number;
  shop: { name: string };
  quantity: number;
  in_stock: boolean;
}

const EXAMPLE = '4216292; 2\nМолоко 3,2% 1 л; 10';

/** One ambiguous line: its candidates, each with a button that puts it into the basket. */
function AmbiguousLine({ line }: { line: QuickOrderResult['ambiguous'][number] }) {
  const translate = useTranslate();
  const locale = useLocale();
  const data = useConsoleData();
  const [busy, setBusy] = useState(false);
  const [chosen, setChosen] = useState<{ name: string; shop: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pick = async (candidate: Candidate) => {
    setBusy(true);
    setError(null);
    try {
      // Offers come cheapest first: the first one with enough stock, else the first in stock.
      const product = await data.call<{ offers: Offer[] }>('GET', '/api/v2/products/{id}', {
        params: { path: { id: candidate.product_id } },
      });
      const offer =
        product.offers.find((o) => o.in_stock && o.quantity >= line.quantity) ??
        product.offers.find((o) => o.in_stock);
      if (!offer) throw new Error('purchasing.quick.no_offer');
      await data.call('POST', '/api/v2/basket/items', {
        body: { offer_id: offer.id, quantity: Math.min(line.quantity, offer.quantity) },
      });
      setChosen({ name: candidate.name, shop: offer.shop.name });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      variant="outlined"
      role="group"
      aria-label={translate('purchasing.quick.line', { line: line.line })}
    >
      <CardContent sx={{ display: 'grid', gap: 1 }}>
        <Typography variant="body2">
          {translate('purchasing.quick.line', { line: line.line })}: «{line.query}» × {line.quantity}
        </Typography>
        {chosen ? (
          <Alert severity="success">
            {translate('purchasing.quick.chosen', { name: chosen.name, shop: chosen.shop })}
          </Alert>
        ) : (
          <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
            {line.candidates.map((candidate) => (
              <Button
                key={candidate.product_id}
                variant="outlined"
                size="small"
                disabled={busy}
                onClick={() => void pick(candidate)}
                sx={{ textTransform: 'none', textAlign: 'left' }}
              >
                {candidate.name}
                {candidate.best_price ? ` — ${formatMoney(candidate.best_price, 'RUB', locale)}` : ''}
              </Button>
            ))}
          </Stack>
        )}
        <ErrorText error={error} />
      </CardContent>
    </Card>
  );
}

function QuickOrderReport({ result }: { result: QuickOrderResult }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" sx={{ mt: 2 }}>
      <CardContent sx={{ display: 'grid', gap: 2 }}>
        <Typography variant="h6" component="h2">
          {translate('purchasing.quick.report')}
        </Typography>
        <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
          <Chip
            color="success"
            label={translate('purchasing.quick.matched', { smart_count: result.matched.length })}
          />
          <Chip
            color={result.ambiguous.length ? 'warning' : 'default'}
            label={translate('purchasing.quick.ambiguous', { smart_count: result.ambiguous.length })}
          />
          <Chip
            color={result.unmatched.length + result.invalid.length ? 'error' : 'default'}
            label={translate('purchasing.quick.unmatched', {
              smart_count: result.unmatched.length + result.invalid.length,
            })}
          />
        </Stack>
        {result.matched.length ? (
          <Box sx={{ overflowX: 'auto' }}>
            <Table size="small" aria-label={translate('purchasing.quick.matched_table')}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('purchasing.quick.line_no')}</TableCell>
                  <TableCell>{translate('purchasing.quick.query')}</TableCell>
                  <TableCell>{translate('purchasing.report.product')}</TableCell>
                  <TableCell align="right">{translate('purchasing.report.quantity')}</TableCell>
                  <TableCell>{translate('purchasing.quick.matched_by')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {result.matched.map((line) => (
                  <TableRow key={line.line}>
                    <TableCell>{line.line}</TableCell>
                    <TableCell>{line.query}</TableCell>
                    <TableCell>{line.product_name}</TableCell>
                    <TableCell align="right">{line.quantity}</TableCell>
                    <TableCell>{translate(`purchasing.quick.by.${line.matched_by}`)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        ) : null}
        {result.ambiguous.length ? (
          <Box sx={{ display: 'grid', gap: 1 }}>
            <Typography variant="subtitle1" component="h3">
              {translate('purchasing.quick.ambiguous_title')}
            </Typography>
            {result.ambiguous.map((line) => (
              <AmbiguousLine key={line.line} line={line} />
            ))}
          </Box>
        ) : null}
        {result.unmatched.length || result.invalid.length ? (
          <Box>
            <Typography variant="subtitle1" component="h3">
              {translate('purchasing.quick.unmatched_title')}
            </Typography>
            <Table size="small" aria-label={translate('purchasing.quick.unmatched_title')}>
              <TableBody>
                {result.unmatched.map((line) => (
                  <TableRow key={`u${line.line}`}>
                    <TableCell>{translate('purchasing.quick.line', { line: line.line })}</TableCell>
                    <TableCell>
                      «{line.query}» × {line.quantity}
                    </TableCell>
                    <TableCell>
                      {translate(`purchasing.quick.reasons.${line.reason}`, { _: line.reason })}
                    </TableCell>
                  </TableRow>
                ))}
                {result.invalid.map((line) => (
                  <TableRow key={`i${line.line}`}>
                    <TableCell>{translate('purchasing.quick.line', { line: line.line })}</TableCell>
                    <TableCell>{line.text}</TableCell>
                    <TableCell>
                      {translate(`purchasing.quick.reasons.${line.reason}`, { _: line.reason })}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        ) : null}
        <FillReportView report={result} />
      </CardContent>
    </Card>
  );
}

export function QuickOrderPage() {
  const translate = useTranslate();
  const data = useConsoleData();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<QuickOrderResult | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const send = async (body: unknown) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await data.call<QuickOrderResult>('POST', '/api/v2/basket/quick-order', { body }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const sendFile = () => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    void send(form);
  };
  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, maxWidth: 1100 }}>
      <Title title="purchasing.quick.title" />
      <Typography variant="h5" component="h1" gutterBottom>
        {translate('purchasing.quick.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('purchasing.quick.intro')}
      </Typography>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' } }}>
        <Card variant="outlined">
          <CardContent sx={{ display: 'grid', gap: 1 }}>
            <TextField
              label={translate('purchasing.quick.text')}
              multiline
              minRows={6}
              value={text}
              onChange={(event) => setText(event.target.value)}
              placeholder={EXAMPLE}
              helperText={translate('purchasing.quick.text_help')}
            />
            <Box>
              <Button variant="contained" disabled={busy || !text.trim()} onClick={() => void send({ text })}>
                {translate('purchasing.quick.send_text')}
              </Button>
            </Box>
          </CardContent>
        </Card>
        <Card variant="outlined">
          <CardContent sx={{ display: 'grid', gap: 1 }}>
            <Typography variant="subtitle1" component="h2">
              {translate('purchasing.quick.file')}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              {translate('purchasing.quick.file_help')}
            </Typography>
            <input
              ref={fileInput}
              type="file"
              aria-label={translate('purchasing.quick.file')}
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <Box>
              <Button variant="contained" disabled={busy || !file} onClick={sendFile}>
                {translate('purchasing.quick.send_file')}
              </Button>
            </Box>
          </CardContent>
        </Card>
      </Box>
      {busy ? (
        <Alert severity="info" sx={{ mt: 2 }}>
          {translate('purchasing.quick.working')}
        </Alert>
      ) : null}
      <ProblemText error={error} />
      {result ? <QuickOrderReport result={result} /> : null}
      {result ? null : (
        <Box sx={{ mt: 2 }}>
          <Link to="/basket">{translate('purchasing.report.to_basket')}</Link>
        </Box>
      )}
    </Box>
  );
}
