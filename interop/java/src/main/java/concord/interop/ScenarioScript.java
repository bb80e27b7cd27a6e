package concord.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a scenario file (interop/java/scenarios): an optional result
 * name, the service, the operation and its argument tokens.
 */
final class ScenarioScript {
    final int lineNo;
    final String bind; // null: the result is not kept
    final String service;
    final String op;
    final List<String> args;

    private ScenarioScript(int lineNo, String bind, String service, String op, List<String> args) {
        this.lineNo = lineNo;
        this.bind = bind;
        this.service = service;
        this.op = op;
        this.args = args;
    }

    static List<ScenarioScript> load(Path file) throws IOException {
        List<ScenarioScript> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> t = tokens(line, i + 1);
            String bind = null;
            if (t.size() > 1 && t.get(1).equals("=")) {
                bind = t.get(0);
                t = t.subList(2, t.size());
            }
            if (t.size() < 2) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": want SERVICE OPERATION ARG...");
            }
            out.add(new ScenarioScript(i + 1, bind, t.get(0), t.get(1), new ArrayList<>(t.subList(2, t.size()))));
        }
        return out;
    }

    /** Splits on blanks; a "quoted" token keeps its quotes so it is always a string. */
    static List<String> tokens(String line, int lineNo) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    i += line.charAt(i) == '\\' ? 2 : 1;
                }
                if (i >= line.length()) {
                    throw new IllegalArgumentException("line " + lineNo + ": unterminated string");
                }
                i++;
            } else {
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
            }
            out.add(line.substring(start, i));
        }
        return out;
    }
}
