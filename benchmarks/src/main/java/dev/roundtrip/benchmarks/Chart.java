package dev.roundtrip.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A hand-written SVG of the 13-byte GET: requests/s and CPU µs/request by thread count,
 * one line per client, medians of the rounds.
 */
final class Chart {

	private static final String[] COLOURS = { "#d62728", "#ff7f0e", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b",
			"#7f7f7f", "#17becf" };

	private static final int[] THREADS = { 1, 4, 64 };

	private static final int WIDTH = 960;

	private static final int HEIGHT = 480;

	private static final int PANEL = 380;

	private static final int TOP = 70;

	private static final int PLOT_HEIGHT = 300;

	static void write(Path file, int jdk, Report report, List<String> clients) throws IOException {
		List<String> all = new ArrayList<>(clients);
		all.add("wrk");
		StringBuilder svg = new StringBuilder();
		svg.append(format(
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
						+ "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
				WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		svg.append(format("<text x=\"20\" y=\"24\" font-size=\"15\" font-weight=\"bold\">GET 13 B over loopback, "
				+ "closed loop, JDK %d (median of rounds)</text>\n", jdk));
		panel(svg, 70, "requests/s (higher is better)", jdk, report, all, Measurement::perSecond, false);
		// Logarithmic: the clients differ by up to 100x in CPU per request.
		panel(svg, 70 + PANEL + 80, "CPU µs per request, log scale (lower is better)", jdk, report, all,
				Measurement::cpuMicrosPerRequest, true);
		// The legend under the plots, four to a row; a client keeps its colour in every
		// chart.
		int shown = 0;
		for (String client : all) {
			if (report.rounds(jdk, "get13@4", client).isEmpty()) {
				continue;
			}
			int x = 70 + (shown % 4) * 220;
			int y = TOP + PLOT_HEIGHT + 70 + (shown / 4) * 20;
			svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n", x,
					y - 4, x + 18, y - 4, colour(client)));
			svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>\n", x + 24, y, Clients.label(client)));
			shown++;
		}
		svg.append("</svg>\n");
		Files.writeString(file, svg.toString());
	}

	private static void panel(StringBuilder svg, int left, String title, int jdk, Report report, List<String> clients,
			ToDoubleFunction<Measurement> figure, boolean log) {
		double[][] values = new double[clients.size()][THREADS.length];
		double max = 0;
		double min = Double.MAX_VALUE;
		for (int c = 0; c < clients.size(); c++) {
			for (int t = 0; t < THREADS.length; t++) {
				List<Measurement> rounds = report.rounds(jdk, "get13@" + THREADS[t], clients.get(c));
				values[c][t] = rounds.isEmpty() ? Double.NaN : Report.median(rounds, figure);
				if (!Double.isNaN(values[c][t])) {
					max = Math.max(max, values[c][t]);
					min = Math.min(min, values[c][t]);
				}
			}
		}
		double top = log ? Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1e-9)))) : niceCeiling(max);
		double low = log ? Math.pow(10, Math.floor(Math.log10(Math.min(min, top / 10)))) : 0;
		Scale scale = (value) -> log ? Math.log10(value / low) / Math.log10(top / low) : value / top;
		int bottom = TOP + PLOT_HEIGHT;
		svg.append(format("<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n", left, TOP - 12, title));
		List<Double> grid = new ArrayList<>();
		if (log) {
			for (double decade = low; decade <= top * 1.001; decade *= 10) {
				grid.add(decade);
			}
		}
		else {
			for (int g = 0; g <= 5; g++) {
				grid.add(top * g / 5);
			}
		}
		for (double value : grid) {
			int y = bottom - (int) Math.round(PLOT_HEIGHT * scale.at(value));
			svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n", left, y,
					left + PANEL, y));
			svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6, y + 4,
					(value >= 1000 || value == 0) ? format("%,.0f", value)
							: (value >= 1) ? format("%.0f", value) : format("%.1f", value)));
		}
		for (int t = 0; t < THREADS.length; t++) {
			svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x(left, t), bottom + 18,
					THREADS[t]));
		}
		svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">threads (connections)</text>\n",
				left + PANEL / 2, bottom + 38));
		for (int c = 0; c < clients.size(); c++) {
			StringBuilder points = new StringBuilder();
			for (int t = 0; t < THREADS.length; t++) {
				if (Double.isNaN(values[c][t]) || values[c][t] <= 0) {
					continue;
				}
				int y = bottom - (int) Math.round(PLOT_HEIGHT * scale.at(values[c][t]));
				points.append(x(left, t)).append(',').append(y).append(' ');
				svg.append(format("<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\"/>\n", x(left, t), y,
						colour(clients.get(c))));
			}
			if (points.length() > 0) {
				svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n",
						colour(clients.get(c)), points.toString().trim()));
			}
		}
	}

	/** Where a value sits between the bottom (0) and the top (1) of a panel. */
	@FunctionalInterface
	private interface Scale {

		double at(double value);

	}

	private static String colour(String client) {
		int index = Clients.NAMES.indexOf(client);
		return COLOURS[((index < 0) ? Clients.NAMES.size() : index) % COLOURS.length];
	}

	private static int x(int left, int t) {
		return left + 30 + t * (PANEL - 60) / (THREADS.length - 1);
	}

	private static double niceCeiling(double max) {
		if (max <= 0) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * magnitude >= max) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

	private Chart() {
	}

}
