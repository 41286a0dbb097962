package ballast.app.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A time-series CSV of a run ({@code timeseries.csv} or {@code hosts.csv}) read back: its numeric
 * columns, and for each entity (a guest or a host, in order of first appearance) the sample times
 * and one array per column. The first column is {@code simulatedSeconds}; the columns named in
 * {@code keyColumns} are text (the entity, its host), and so are the named text columns (a host's
 * free-memory state), which are skipped; every other column is a number. Names never need quoting
 * (scenario names are letters, digits, '-', '_' and '.').
 */
public final class SeriesTable {

    /** One entity's samples: times, and values per numeric column (same length). */
    public record Series(String name, String group, double[] seconds, Map<String, double[]> values) {
        public double[] column(String column) {
            return values.get(column);
        }
    }

    private final List<String> columns;
    private final Map<String, Series> series;

    private SeriesTable(List<String> columns, Map<String, Series> series) {
        this.columns = List.copyOf(columns);
        this.series = series;
    }

    /** The numeric columns, in file order (without simulatedSeconds and the key columns). */
    public List<String> columns() {
        return columns;
    }

    public boolean has(String column) {
        return columns.contains(column);
    }

    /** Every entity's series, in order of first appearance. */
    public List<Series> series() {
        return List.copyOf(series.values());
    }

    public Series get(String name) {
        return series.get(name);
    }

    /** An empty table (a run directory without this file). */
    public static SeriesTable empty() {
        return new SeriesTable(List.of(), new LinkedHashMap<>());
    }

    /**
     * Reads {@code file}: entity names from column {@code nameColumn}, an optional group (the host of
     * a guest) from {@code groupColumn} (may be null).
     */
    public static SeriesTable read(Path file, String nameColumn, String groupColumn) throws IOException {
        return read(file, nameColumn, groupColumn, java.util.Set.of());
    }

    /** As {@link #read(Path, String, String)}, skipping the columns named in {@code textColumns}. */
    public static SeriesTable read(Path file, String nameColumn, String groupColumn, java.util.Set<String> textColumns)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || header.isBlank()) {
                throw new IOException(file + ": empty, expected a header line");
            }
            String[] names = header.split(",", -1);
            if (!names[0].equals("simulatedSeconds")) {
                throw new IOException(file + ":1: the first column must be simulatedSeconds, got " + names[0]);
            }
            int nameAt = indexOf(names, nameColumn, file);
            int groupAt = groupColumn == null ? -1 : indexOf(names, groupColumn, file);
            List<String> numeric = new ArrayList<>();
            List<Integer> numericAt = new ArrayList<>();
            for (int i = 1; i < names.length; i++) {
                if (i != nameAt && i != groupAt && !textColumns.contains(names[i])) {
                    numeric.add(names[i]);
                    numericAt.add(i);
                }
            }
            Map<String, Builder> builders = new LinkedHashMap<>();
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != names.length) {
                    throw new IOException(file + ":" + lineNo + ": " + cells.length + " cells, the header has " + names.length);
                }
                Builder b = builders.computeIfAbsent(cells[nameAt],
                        k -> new Builder(k, groupAt < 0 ? null : cells[groupAt], numeric.size()));
                try {
                    b.add(Double.parseDouble(cells[0]), cells, numericAt);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNo + ": not a number: " + e.getMessage());
                }
            }
            Map<String, Series> series = new LinkedHashMap<>();
            for (Builder b : builders.values()) {
                series.put(b.name, b.build(numeric));
            }
            return new SeriesTable(numeric, series);
        }
    }

    private static int indexOf(String[] names, String column, Path file) throws IOException {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(column)) {
                return i;
            }
        }
        throw new IOException(file + ":1: no column " + column);
    }

    private static final class Builder {
        final String name;
        final String group;
        double[] seconds = new double[64];
        double[][] values;
        int size;

        Builder(String name, String group, int columns) {
            this.name = name;
            this.group = group;
            this.values = new double[columns][64];
        }

        /** A cell as a number; a yes/no figure (true / false) counts as 1 / 0. */
        private static double number(String cell) {
            if ("true".equals(cell)) {
                return 1;
            }
            if ("false".equals(cell)) {
                return 0;
            }
            return Double.parseDouble(cell);
        }

        void add(double t, String[] cells, List<Integer> at) {
            if (size == seconds.length) {
                seconds = Arrays.copyOf(seconds, size * 2);
                for (int c = 0; c < values.length; c++) {
                    values[c] = Arrays.copyOf(values[c], size * 2);
                }
            }
            seconds[size] = t;
            for (int c = 0; c < values.length; c++) {
                values[c][size] = number(cells[at.get(c)]);
            }
            size++;
        }

        Series build(List<String> columns) {
            Map<String, double[]> byColumn = new LinkedHashMap<>();
            for (int c = 0; c < values.length; c++) {
                byColumn.put(columns.get(c), Arrays.copyOf(values[c], size));
            }
            return new Series(name, group, Arrays.copyOf(seconds, size), byColumn);
        }
    }
}
