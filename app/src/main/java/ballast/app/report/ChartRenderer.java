package ballast.app.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws a {@link ChartPlan.Chart} with JFreeChart: as an SVG element for the HTML page (JFreeSVG)
 * and as PNG and SVG files. Lines over simulated seconds, one colour per line from a fixed palette
 * (a line lying on an earlier one dashed, and its legend saying so; short series with a shape at
 * each sample), thresholds as dashed horizontal markers (close ones labelled together), timed
 * events as dotted vertical lines whose labels move down a row rather than overlap. Runs
 * headless.
 */
final class ChartRenderer {
    static final int WIDTH = 720;
    static final int HEIGHT = 330;
    /** Tableau 10: distinguishable, and readable when printed. */
    private static final Color[] PALETTE = {
        new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
        new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};
    /** Lines with at most this many samples show a shape at each. */
    static final int FEW_POINTS = 40;
    /** Share of a chart's height under which two markers' labels, or two lines, are too close to tell apart. */
    static final double CLOSE = 0.06;
    /** Pixels between two rows of moment labels. */
    private static final int MOMENT_ROW = 15;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartRenderer() {
    }

    static JFreeChart chart(ChartPlan.Chart spec) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (ChartPlan.Line line : spec.lines()) {
            XYSeries series = new XYSeries(legend(spec, line), false, true);
            for (int i = 0; i < line.x().length; i++) {
                series.add(line.x()[i], line.y()[i], false);
            }
            data.addSeries(series);
        }
        NumberAxis x = new NumberAxis("simulated seconds");
        NumberAxis y = new NumberAxis(spec.unit());
        x.setAutoRangeIncludesZero(true);
        y.setAutoRangeIncludesZero(true);
        for (NumberAxis axis : new NumberAxis[] {x, y}) {
            axis.setLabelFont(LABEL);
            axis.setTickLabelFont(TICK);
        }
        y.setNumberFormatOverride(new Compact());
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true); // one SVG path per line, not one element per segment
        int[] hiddenBy = hiddenBy(spec.lines());
        for (int i = 0; i < spec.lines().size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            float width = i < PALETTE.length ? 2.0f : 1.2f;
            if (hiddenBy[i] >= 0) {
                // drawn over a line it would hide: dashed, so that both colours show
                float dash = 5f + 3f * (i % 3);
                renderer.setSeriesStroke(i, new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                        new float[] {dash, dash}, dash * (i % 2)));
            } else {
                renderer.setSeriesStroke(i, new BasicStroke(width));
            }
            if (spec.lines().get(i).x().length <= FEW_POINTS) {
                renderer.setSeriesShapesVisible(i, true); // a handful of samples: each one shown
            }
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD); // later (dashed) lines on top
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(new Color(0xbbbbbb));
        double[] range = yRange(spec);
        String[] labels = markerLabels(spec.markers(), range[1] - range[0]);
        for (int i = 0; i < spec.markers().size(); i++) {
            ChartPlan.Marker m = spec.markers().get(i);
            ValueMarker marker = new ValueMarker(m.y(), new Color(0xc0392b),
                    new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            if (!labels[i].isEmpty()) {
                marker.setLabel(labels[i]);
                marker.setLabelFont(TICK);
                marker.setLabelPaint(new Color(0xc0392b));
                marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            }
            plot.addRangeMarker(marker);
        }
        double xMax = 0;
        for (ChartPlan.Line line : spec.lines()) {
            for (double v : line.x()) {
                xMax = Math.max(xMax, v);
            }
        }
        int[] rows = momentRows(spec.moments(), xMax);
        for (int i = 0; i < spec.moments().size(); i++) {
            ChartPlan.Moment m = spec.moments().get(i);
            ValueMarker moment = new ValueMarker(m.seconds(), new Color(0x777777),
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {2f, 3f}, 0f));
            moment.setLabel(m.label());
            moment.setLabelFont(TICK);
            moment.setLabelPaint(new Color(0x555555));
            moment.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            moment.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            moment.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(3 + MOMENT_ROW * rows[i], 3, 3, 3));
            plot.addDomainMarker(moment);
        }
        if (range[1] > range[2]) {
            y.setRange(Math.min(0, range[0]), range[1] * 1.1);
        } else if (range[2] == 0 && range[0] == 0) {
            y.setRange(0, 1); // all zero: a plain axis, not one of rounding noise
        }
        JFreeChart chart = new JFreeChart(null, TITLE, plot, spec.lines().size() > 1);
        chart.setTitle(new TextTitle(spec.title(), TITLE));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setItemFont(TICK);
            legend.setFrame(BlockBorder.NONE);
            legend.setBackgroundPaint((Paint) Color.WHITE);
        }
        return chart;
    }

    /**
     * The y axis's bottom, its top as wanted (making room for the markers that must be seen, and for
     * the others when the lines come within a fifth of them: markers do not widen the axis by
     * themselves), and the lines' own top.
     */
    static double[] yRange(ChartPlan.Chart spec) {
        double top = 0;
        double bottom = 0;
        for (ChartPlan.Line line : spec.lines()) {
            for (double v : line.y()) {
                top = Math.max(top, v);
                bottom = Math.min(bottom, v);
            }
        }
        double wanted = top;
        for (ChartPlan.Marker m : spec.markers()) {
            if (m.widen() || top >= 0.2 * m.y()) {
                wanted = Math.max(wanted, m.y());
            }
        }
        return new double[] {bottom, wanted, top};
    }

    /**
     * Each marker's label: markers within {@link #CLOSE} of the axis's height of each other form a
     * group, labelled once above its top marker with every name from the top down ("high / soft /
     * hard / low"), so that the labels of close thresholds never print over each other; the other
     * markers of the group get "".
     */
    static String[] markerLabels(java.util.List<ChartPlan.Marker> markers, double height) {
        Integer[] order = new Integer[markers.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> -markers.get(i).y()));
        String[] labels = new String[markers.size()];
        java.util.Arrays.fill(labels, "");
        int top = -1; // the marker that carries its group's label
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            boolean close = k > 0 && (height <= 0 || markers.get(order[k - 1]).y() - markers.get(i).y() < CLOSE * height);
            if (close) {
                labels[top] += " / " + markers.get(i).label();
            } else {
                top = i;
                labels[i] = markers.get(i).label();
            }
        }
        return labels;
    }

    /**
     * The row of each moment's label (0 at the top of the plot, then lower): a label that would run
     * into the one before it in a row goes to the next row. Widths are estimated from the text.
     */
    static int[] momentRows(java.util.List<ChartPlan.Moment> moments, double xMax) {
        int[] rows = new int[moments.size()];
        double secondsPerPixel = xMax > 0 ? xMax / (WIDTH - 90.0) : 1;
        java.util.List<Double> rowEnds = new java.util.ArrayList<>();
        Integer[] order = new Integer[moments.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> moments.get(i).seconds()));
        for (int i : order) {
            double start = moments.get(i).seconds();
            double end = start + (moments.get(i).label().length() * 6.5 + 8) * secondsPerPixel;
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > start) {
                row++;
            }
            if (row == rowEnds.size()) {
                rowEnds.add(end);
            } else {
                rowEnds.set(row, end);
            }
            rows[i] = row;
        }
        return rows;
    }

    /**
     * For each line, the earlier line it would hide (drawn within {@link #CLOSE} / 4 of the chart's
     * height of it at every point), or -1.
     */
    static int[] hiddenBy(java.util.List<ChartPlan.Line> lines) {
        double low = 0;
        double high = 0;
        for (ChartPlan.Line l : lines) {
            for (double v : l.y()) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        double tolerance = (high - low) * CLOSE / 4;
        int[] out = new int[lines.size()];
        java.util.Arrays.fill(out, -1);
        for (int i = 1; i < lines.size(); i++) {
            for (int j = 0; j < i && out[i] < 0; j++) {
                if (overlaps(lines.get(i), lines.get(j), tolerance)) {
                    out[i] = j;
                }
            }
        }
        return out;
    }

    private static boolean overlaps(ChartPlan.Line a, ChartPlan.Line b, double tolerance) {
        if (!java.util.Arrays.equals(a.x(), b.x())) {
            return false;
        }
        for (int k = 0; k < a.y().length; k++) {
            if (Math.abs(a.y()[k] - b.y()[k]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** A line's legend entry; one that lies on an earlier line says so ("x (on y)"). */
    static String legend(ChartPlan.Chart spec, ChartPlan.Line line) {
        int i = spec.lines().indexOf(line);
        int under = hiddenBy(spec.lines())[i];
        return under < 0 ? line.legend() : line.legend() + " (on " + spec.lines().get(under).legend() + ")";
    }

    /** A value as short plain text (1, 0.75, 2.5E-4 stays readable): for notes such as "constant: 1". */
    static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** The chart as an inline {@code <svg>} element that scales with its container. */
    static String svg(JFreeChart chart, String id) {
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        g2.setDefsKeyPrefix(id.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
        g2.setGeomDoubleConverter(ChartRenderer::twoDecimals);
        chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g2.getSVGElement("svg-" + id, false, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
    }

    /** Coordinates to two decimals: a hundredth of a pixel is plenty, and the page stays small. */
    private static String twoDecimals(double d) {
        long scaled = Math.round(d * 100);
        if (scaled % 100 == 0) {
            return Long.toString(scaled / 100);
        }
        return java.math.BigDecimal.valueOf(scaled, 2).stripTrailingZeros().toPlainString();
    }

    /** Tick labels a reader takes in at a glance: 950, 1.5k, 130M, 2.9G (not 1.3E8). */
    static final class Compact extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer to, java.text.FieldPosition pos) {
            double a = Math.abs(number);
            String[] suffix = {"", "k", "M", "G", "T", "P"};
            int i = 0;
            while (a >= 1000 && i < suffix.length - 1) {
                a /= 1000;
                number /= 1000;
                i++;
            }
            String digits = a == 0 ? "0" : java.math.BigDecimal.valueOf(number)
                    .round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
            return to.append(digits).append(suffix[i]);
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) number, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException("labels only");
        }
    }

    static void png(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
