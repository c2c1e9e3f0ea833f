package dev.worldfx.cli;

import java.io.StringWriter;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * An OpenCue job spec for a chunked graph render, in OpenCue's XML job spec format (DTD
 * cjsl-1.15, the version pyoutline writes by default; cuebot validates every spec it is sent
 * against its copy of that DTD). Two layers:
 * <ul>
 *   <li>{@value #SOLVE_LAYER}: one frame running {@code solveCommand} (the whole-shot solves into the shared
 *       sequence cache);</li>
 *   <li>{@value #RENDER_LAYER}: the graph's range in chunks of {@code chunk} frames. OpenCue makes one frame per
 *       chunk and, when it dispatches one, replaces {@code #FRAME_START#} and {@code #FRAME_END#} in
 *       {@code renderCommand} with the chunk's first and last frame (the last chunk ends at the range's end).
 *       A LAYER_ON_LAYER depend makes the whole layer wait until the solve layer has finished.</li>
 * </ul>
 * Names follow cuebot's rules (JobSpec.conformName): letters, digits, '_', '.', '-', at least 3
 * characters for show, shot, layer and job names. The job is named show-shot-user_suffix, the form
 * cuebot gives every job.
 */
record OpenCueSpec(String facility, String show, String shot, String user, String jobSuffix, String service,
                   int first, int last, int chunk, String solveCommand, String renderCommand) {
  static final String VERSION = "1.15";
  /** cuebot resolves this id to its bundled DTD (JobSpec.SPCUE_DTD_URL); nothing is fetched from it. */
  static final String DTD_SYSTEM_ID = "http://localhost:8080/spcue/dtd/cjsl-" + VERSION + ".dtd";
  static final String DTD_PUBLIC_ID = "SPI Cue Specification Language";
  static final String SOLVE_LAYER = "solve";
  static final String RENDER_LAYER = "render";
  /** OpenCue's command tokens for a chunk's first and last frame (cuebot, DispatchSupportService). */
  static final String CHUNK_FRAMES = "#FRAME_START#-#FRAME_END#";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{3,}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]+");

  OpenCueSpec {
    check("show", show, NAME);
    check("shot", shot, NAME);
    check("user", user, USER);
    check("job name", jobSuffix, NAME);
    if (facility != null) {
      check("facility", facility, USER);
    }
    if (service != null) {
      check("service", service, USER);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("--chunk must be at least 1 frame, got " + chunk);
    }
    if (last < first) {
      throw new IllegalArgumentException("the frame range " + first + "-" + last + " is empty");
    }
  }

  private static void check(String what, String value, Pattern rule) {
    if (value == null || !rule.matcher(value).matches()) {
      throw new IllegalArgumentException("OpenCue " + what + " '" + value + "' is not usable: letters, digits, '_', "
          + "'.' and '-' only" + (rule == NAME ? ", at least 3 characters" : ""));
    }
  }

  /** The job's full name, as cuebot names it: show-shot-user_suffix, lower case. */
  String jobName() {
    return (show + "-" + shot + "-" + user + "_" + jobSuffix).toLowerCase(java.util.Locale.ROOT);
  }

  /** Frames of the render layer OpenCue dispatches: one per chunk. */
  int chunkCount() {
    return (int) ((((long) last - first) / chunk) + 1);
  }

  static String range(int a, int b) {
    return a == b ? Integer.toString(a) : a + "-" + b;
  }

  /** The spec as cuebot's JobSpec parser takes it (and pycue's opencue.api.launchSpec sends it). */
  String xml() {
    try {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
      Element spec = doc.createElement("spec");
      doc.appendChild(spec);
      if (facility != null) {
        text(spec, "facility", facility);
      }
      text(spec, "show", show);
      text(spec, "shot", shot);
      text(spec, "user", user);
      Element job = child(spec, "job");
      job.setAttribute("name", jobName());
      Element layers = child(job, "layers");
      layer(layers, SOLVE_LAYER, solveCommand, range(first, first), 1);
      layer(layers, RENDER_LAYER, renderCommand, range(first, last), chunk);
      Element depend = child(child(spec, "depends"), "depend");
      depend.setAttribute("type", "LAYER_ON_LAYER");
      text(depend, "depjob", jobName());
      text(depend, "deplayer", RENDER_LAYER);
      text(depend, "onjob", jobName());
      text(depend, "onlayer", SOLVE_LAYER);

      var t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      t.setOutputProperty(OutputKeys.DOCTYPE_PUBLIC, DTD_PUBLIC_ID);
      t.setOutputProperty(OutputKeys.DOCTYPE_SYSTEM, DTD_SYSTEM_ID);
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (ParserConfigurationException | TransformerException e) {
      throw new IllegalStateException("the JDK's XML writer failed: " + e.getMessage(), e);
    }
  }

  /** Child order is the DTD's: cmd, range, chunk, ..., services. */
  private void layer(Element layers, String name, String command, String range, int chunkFrames) {
    Element layer = child(layers, "layer");
    layer.setAttribute("name", name);
    layer.setAttribute("type", "Render");
    text(layer, "cmd", command);
    text(layer, "range", range);
    text(layer, "chunk", Integer.toString(chunkFrames));
    if (service != null) {
      text(child(layer, "services"), "service", service);
    }
  }

  private static Element child(Element parent, String name) {
    Element e = parent.getOwnerDocument().createElement(name);
    parent.appendChild(e);
    return e;
  }

  private static void text(Element parent, String name, String value) {
    child(parent, name).setTextContent(value);
  }
}
