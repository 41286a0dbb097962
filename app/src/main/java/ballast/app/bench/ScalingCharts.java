package ballast.app.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The scaling curves as PNGs: nanoseconds per access end to end in the steady window (wall, and
 * CPU of every thread) and the raw kernel's (wall, and CPU of its thread), against the number of guests and against the guests'
 * size, on a logarithmic x axis. A flat line is linear scaling (the total cost grows as the work).
 */
public final class ScalingCharts {
    static final int WIDTH = 720;
    static final int HEIGHT = 380;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ScalingCharts() {
    }

    /** File name of a curve's chart. */
    public static String fileName(String curve) {
        return "scaling-" + curve + ".png";
    }

    /** Writes a chart per curve with at least two points into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, List<BenchRow> rows) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String curve : List.of(BenchCase.BY_GUESTS, BenchCase.BY_SIZE)) {
            List<BenchRow> points = BenchTable.curve(rows, curve);
            if (points.size() < 2) {
                continue;
            }
            Path file = dir.resolve(fileName(curve));
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                ChartUtils.saveChartAsPNG(tmp.toFile(), chart(curve, points), WIDTH, HEIGHT);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            written.add(file);
        }
        return written;
    }

    static JFreeChart chart(String curve, List<BenchRow> points) {
        boolean byGuests = BenchCase.BY_GUESTS.equals(curve);
        XYSeries endToEnd = new XYSeries("end to end (wall, steady window)");
        XYSeries cpu = new XYSeries("end to end (CPU of all threads, steady window)");
        XYSeries raw = new XYSeries("raw kernel (wall, same ticks, one thread)");
        XYSeries rawCpu = new XYSeries("raw kernel (CPU)");
        String fixedPart = "";
        for (BenchRow r : points) {
            double x = byGuests ? r.guests() : r.guestMib();
            if (!Double.isNaN(r.nanosPerAccess())) {
                endToEnd.add(x, r.nanosPerAccess());
            }
            if (!Double.isNaN(r.cpuNanosPerAccess())) {
                cpu.add(x, r.cpuNanosPerAccess());
            }
            if (!Double.isNaN(r.rawNanosPerAccess())) {
                raw.add(x, r.rawNanosPerAccess());
            }
            if (!Double.isNaN(r.rawCpuNanosPerAccess())) {
                rawCpu.add(x, r.rawCpuNanosPerAccess());
            }
            fixedPart = byGuests ? r.guestMib() + " MiB guests" : r.guests() + " guests";
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(endToEnd);
        data.addSeries(cpu);
        data.addSeries(raw);
        data.addSeries(rawCpu);
        LogAxis x = new LogAxis(byGuests ? "guests" : "guest memory, MiB");
        x.setBase(10);
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(byGuests ? 1 : Math.log10(2), new java.text.DecimalFormat("#,##0")));
        x.setMinorTickMarksVisible(false);
        NumberAxis y = new NumberAxis("ns per access");
        y.setAutoRangeIncludesZero(true);
        x.setLabelFont(LABEL);
        y.setLabelFont(LABEL);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, new Color(0x4e79a7));
        renderer.setSeriesPaint(1, new Color(0x76b7b2));
        renderer.setSeriesPaint(2, new Color(0xf28e2b));
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        renderer.setSeriesStroke(2, new BasicStroke(2f));
        renderer.setSeriesPaint(3, new Color(0xedc948));
        renderer.setSeriesStroke(3, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        JFreeChart chart = new JFreeChart(null, TITLE, plot, true);
        chart.setTitle(new TextTitle("Cost per access against " + (byGuests ? "the number of guests" : "guest size")
                + " (" + fixedPart + ")", TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        return chart;
    }
}
