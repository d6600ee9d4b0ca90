// English strings of the environment's pages: data files, queues and the rest, working hours, switches.
const environment = {
  files: {
    title: "Data files",
    intro: "The CSV and SQLite files your lookups read, and the environments tests name. A file is written whole: a call never reads half of one.",
    choose: "Choose a file",
    path: "Path",
    size: "Size",
    modified: "Changed",
    upload: "Upload",
    uploading: "Uploading…",
    uploaded: "Uploaded {{path}} ({{size}}).",
    replace: "Replace…",
    delete: "Delete",
    deleted: "Deleted {{path}}.",
    confirmReplace: "Replace {{path}}? Lookups read the new file from their next call on.",
    confirmDelete: "Delete {{path}}? A lookup that reads it fails until it is back.",
    badPath: "A path is names of letters, digits, _ . - separated by / (at most four), such as data/tickets.csv.",
  },
  env: {
    switches: "Switches",
    queues: "Queues",
    mailboxes: "Mailboxes",
    destinations: "Transfer destinations",
    sources: "Data sources",
    voices: "Voices",
    name: "Name",
    schedule: "Schedule",
    hours: "Working hours",
    holidays: "Holidays",
    save: "Save the environment",
  },
  switches: {
    on: "on",
    off: "off",
    confirmOn: "Turn the switch {{name}} on? Live calls follow it at once.",
    confirmOff: "Turn the switch {{name}} off? Live calls follow it at once.",
    lastFlipped: "last flipped by {{who}}, {{when}}",
  },
};

export default environment;
