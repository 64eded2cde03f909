package dev.roundtrip.samples.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import dev.roundtrip.transport.CloseReason;

/** What each case of the experiment did, and the table that shows it. */
@Component
public class ExperimentReport {

	private final List<Row> rows = new ArrayList<>();

	synchronized void add(Row row) {
		this.rows.add(row);
	}

	public synchronized List<Row> rows() {
		return List.copyOf(this.rows);
	}

	/** The row of one case, by its name. */
	public Row row(String name) {
		return rows().stream()
			.filter((row) -> row.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No case " + name));
	}

	/**
	 * One case.
	 *
	 * @param name short name, as in the request path
	 * @param description what the client did
	 * @param opened connections the server saw requests on
	 * @param dialed connections the transport opened
	 * @param closed connections the transport closed, by reason
	 * @param openAfter connections still open when the case ended (idle or held)
	 * @param go what the seed measured with Go 1.24's client
	 */
	public record Row(String name, String description, int opened, int dialed, Map<CloseReason, Integer> closed,
			int openAfter, String go) {

		public Row {
			Map<CloseReason, Integer> sorted = new EnumMap<>(CloseReason.class);
			sorted.putAll(closed);
			closed = Collections.unmodifiableMap(sorted);
		}

		String closedText() {
			if (this.closed.isEmpty()) {
				return "-";
			}
			return this.closed.entrySet()
				.stream()
				.map((entry) -> entry.getValue() + " " + entry.getKey().tagValue())
				.collect(Collectors.joining(", "));
		}

	}

	/** The table, for a terminal. */
	public synchronized String render() {
		String[] header = { "case", "what the client did", "opened (server)", "dialed (client)", "closed by client",
				"open after", "Go 1.24 (seed)" };
		List<String[]> lines = new ArrayList<>();
		lines.add(header);
		for (Row row : this.rows) {
			lines.add(new String[] { row.name(), row.description(), String.valueOf(row.opened()),
					String.valueOf(row.dialed()), row.closedText(), String.valueOf(row.openAfter()), row.go() });
		}
		int[] widths = new int[header.length];
		for (String[] line : lines) {
			for (int i = 0; i < line.length; i++) {
				widths[i] = Math.max(widths[i], line[i].length());
			}
		}
		StringBuilder table = new StringBuilder();
		for (int l = 0; l < lines.size(); l++) {
			String[] line = lines.get(l);
			table.append('|');
			for (int i = 0; i < line.length; i++) {
				table.append(' ').append(String.format("%-" + widths[i] + "s", line[i])).append(" |");
			}
			table.append('\n');
			if (l == 0) {
				table.append('|');
				for (int width : widths) {
					table.append("-".repeat(width + 2)).append('|');
				}
				table.append('\n');
			}
		}
		return table.toString();
	}

}
