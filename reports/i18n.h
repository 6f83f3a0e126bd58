/*
 * i18n.h - the words of the documents (report.html, the driver sheets,
 * summary.html, events.xlsx), in one keyed table: every label has an id
 * and its English and Chinese text on one line below, so that a writer
 * asks for L_PLATE and never carries its own copy or a `zh ? .. : ..`.
 *
 * Language: --lang zh|en; without it the locale decides (report_lang_zh).
 * Names of event types, classes, colours and the penalty texts the
 * detectors write in English are translated here too.
 */
#ifndef RL_I18N_H
#define RL_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "rules.h"

/* X(id, English, Chinese) */
#define I18N_LABELS(X)                                                                                          \
    X(L_TITLE, "Road transport violation report", "道路运输车辆违规报告")                                      \
    X(L_GENERATED, "Generated", "生成时间")                                                                  \
    X(L_TZ, "Time zone", "时区")                                                                             \
    X(L_PERIOD, "Data period", "数据时段")                                                                   \
    X(L_INPUTS, "Inputs", "输入文件")                                                                        \
    X(L_RECORDS, "records", "条记录")                                                                        \
    X(L_VEHICLES, "Vehicles", "车辆")                                                                        \
    X(L_EVENTS, "Events", "违规事件")                                                                        \
    X(L_REJECTED, "Rejected records", "拒收记录")                                                            \
    X(L_INDEX, "Vehicles by risk", "车辆风险排序")                                                            \
    X(L_RANK, "#", "序号")                                                                                   \
    X(L_PLATE, "Plate", "车牌号")                                                                            \
    X(L_COLOR, "Colour", "颜色")                                                                             \
    X(L_CLASS, "Class", "车辆类型")                                                                          \
    X(L_COMPANY, "Company", "业户名称")                                                                      \
    X(L_POINTS, "Points", "记分")                                                                            \
    X(L_RISK, "Risk index", "风险指数")                                                                      \
    X(L_MAX_POINTS, "Most points, one event", "单次最高记分")                                                \
    X(L_NEVENTS, "Events", "事件数")                                                                         \
    X(L_TYPES, "Violations", "违规类型")                                                                     \
    X(L_NO_EVENTS_NOTE, "vehicles without violations", "辆车无违规事件")                                     \
    X(L_PAGE, "Page", "第")                                                                                  \
    X(L_OF, "of", "页，共")                                                                                  \
    X(L_PAGES_SUFFIX, "", "页")                                                                              \
    X(L_PREV, "Previous", "上一页")                                                                          \
    X(L_NEXT, "Next", "下一页")                                                                              \
    X(L_BACK, "Back to the index", "返回索引")                                                               \
    X(L_REGISTERED, "In the registry", "入网登记")                                                           \
    X(L_YES, "yes", "是")                                                                                    \
    X(L_NO, "no", "否")                                                                                      \
    X(L_PHONE, "Terminal phone", "终端手机号")                                                               \
    X(L_DRIVERS, "Drivers", "驾驶员")                                                                        \
    X(L_DISTANCE, "Distance", "行驶里程")                                                                    \
    X(L_DRIVING, "Driving time", "驾驶时长")                                                                 \
    X(L_TOP_SPEED, "Top speed", "最高车速")                                                                  \
    X(L_FIRST_LAST, "First / last fix", "首次/末次定位")                                                     \
    X(L_FIXES, "Fixes", "定位点")                                                                            \
    X(L_TYPE, "Type", "违规类型")                                                                            \
    X(L_START, "Start", "开始")                                                                              \
    X(L_END, "End", "结束")                                                                                  \
    X(L_DURATION, "Duration", "持续")                                                                        \
    X(L_PLACE, "Place (lon, lat)", "位置（经度, 纬度）")                                                     \
    X(L_VALUE_LIMIT, "Value / limit", "实测 / 限值")                                                         \
    X(L_EXCESS, "Excess", "超出")                                                                            \
    X(L_PENALTY, "Penalty", "处罚标准")                                                                      \
    X(L_EVENT_POINTS, "Points", "记分")                                                                      \
    X(L_REGULATION, "Rule and basis", "规则与依据")                                                          \
    X(L_DRIVER, "Driver", "驾驶员")                                                                          \
    X(L_SOURCE, "Evidence", "证据来源")                                                                      \
    X(L_EVENT_ID, "Event id", "事件编号")                                                                    \
    X(L_SPEED_CHART, "Speed over time", "车速—时间")                                                         \
    X(L_NO_SAMPLE, "no track sample for this day", "当日无轨迹样本")                                        \
    X(L_LIMIT, "limit", "限速")                                                                              \
    X(L_LEGEND_SPEED, "speed", "车速")                                                                       \
    X(L_BY_TYPE, "By type", "按类型")                                                                        \
    X(L_NONE, "none", "无")                                                                                  \
    X(L_PERSONS, "persons", "人")                                                                            \
    X(L_MORE_DAYS, "only the first days are charted", "仅绘制前若干天")                                      \
    X(L_TO, "to", "至")                                                                                      \
    X(L_MAP, "Map", "一张图")                                                                                \
    X(L_MAP_ALL, "One map of all the risk: every vehicle's events", "一张图：全部车辆违规事件分布")           \
    X(L_MAP_VEHICLE, "Track and events", "轨迹与违规事件")                                                    \
    X(L_MAP_TRACK, "Track", "轨迹")                                                                          \
    X(L_MAP_EVENTS, "Events", "违规事件")                                                                    \
    X(L_MAP_ZONES, "Zones", "管控区域")                                                                      \
    X(L_MAP_STATIONS, "Weigh stations", "称重检测站")                                                        \
    X(L_MAP_COORD_WGS, "Coordinates WGS-84 as reported (no base map offset)", "坐标：WGS-84（终端原始坐标）") \
    X(L_MAP_COORD_GCJ, "Coordinates shifted to GCJ-02 for Chinese base maps", "坐标：已转换为GCJ-02（国测局坐标）") \
    X(L_MAP_COORD_BD, "Coordinates shifted to BD-09 for Baidu base maps", "坐标：已转换为BD-09（百度坐标）")    \
    X(L_MAP_NO_TILES, "plain background: give --tiles URL for an intranet base map", "无底图：可用 --tiles 指定内网瓦片服务") \
    X(L_MAP_MISSING, "The map is missing: install the Debian packages libjs-leaflet and libjs-leaflet.markercluster", \
      "未生成地图：请安装 Debian 软件包 libjs-leaflet 和 libjs-leaflet.markercluster")                          \
    X(L_EVIDENCE, "Evidence", "证据")                                                                        \
    X(L_EVIDENCE_OPEN, "evidence", "查看证据")                                                               \
    X(L_EPISODE_CHART, "The episode, fix by fix", "违规过程（逐点）")                                         \
    X(L_TIME, "Time", "时间")                                                                                \
    X(L_POSITION, "Position (lon, lat)", "位置（经度, 纬度）")                                              \
    X(L_SPEED, "Speed km/h", "车速 km/h")                                                                    \
    X(L_LIMIT_IN_FORCE, "Limit in force", "适用限速")                                                        \
    X(L_ZONE, "Zone", "区域")                                                                                \
    X(L_IN_EPISODE, "in the episode", "违规区间内")                                                          \
    X(L_FIXES_THINNED, "long episode: fixes thinned to the fastest of each stretch",                          \
      "违规过程较长：定位点按区间抽稀（保留每段最高车速）")                                                   \
    X(L_FIXES_FROM_SAMPLE, "minute samples of the track (the fixes themselves are not kept for this event)",    \
      "按分钟采样的轨迹（本事件未保留逐点数据）")                                                             \
    X(L_RULE_IN_FORCE, "Rule in force", "适用规则")                                                          \
    X(L_ROAD_ASSUMED, "road type not known: taken as an expressway (the class caps are expressway caps)",      \
      "道路类型未知：按高速公路计（车型限速即高速公路限速）")                                                 \
    X(L_ROAD_TYPE, "Road type", "道路类型")                                                                  \
    X(L_WEIGHING, "Weighing", "称重记录")                                                                    \
    X(L_STATION, "Station", "检测站")                                                                        \
    X(L_MODE, "Mode", "检测方式")                                                                            \
    X(L_MODE_WIM, "weigh-in-motion", "动态称重（WIM）")                                                       \
    X(L_MODE_STATIC, "static", "静态称重")                                                                   \
    X(L_SCALE_SPEED, "Speed on the scale", "过磅车速")                                                        \
    X(L_GROSS, "Gross", "车货总重")                                                                          \
    X(L_AXLE, "Axle", "轴")                                                                                  \
    X(L_AXLE_WEIGHT, "Axle weight", "轴重")                                                                  \
    X(L_AXLE_LIMIT, "Axle limit", "轴限")                                                                    \
    X(L_TOLERANCE, "Tolerance applied", "允许误差")                                                          \
    X(L_OVER_BY, "over by", "超出")                                                                          \
    X(L_WITHIN, "within", "未超")                                                                            \
    X(L_GPS_AT_SCALE, "GPS at the scale", "过磅时定位")                                                      \
    X(L_NOT_GIVEN, "not given", "未提供")                                                                    \
    X(L_DRIVER_POINTS, "Drivers' points", "驾驶员记分")                                                       \
    X(L_CYCLE, "Scoring cycle", "记分周期")                                                                  \
    X(L_CYCLE_NOTE,                                                                                         \
      "A driver's 12-month scoring cycle (记分办法 art. 3) starts on the day their licence was first issued, "  \
      "which roadlog does not know: the cycle shown is the 12 months from the driver's first event in these "    \
      "data. Points are the driver's, summed over their events in that cycle; 12 or more is a full score.",     \
      "驾驶员记分周期为12个月，自初次领取驾驶证之日起计算（《道路交通安全违法行为记分管理办法》第三条），"      \
      "本系统无领证日期：此处按该驾驶员在本批数据中首起违规之日起12个月计算。记分为驾驶员本人各起违规记分之和，" \
      "满12分即为满分。")                                                                                     \
    X(L_FULL_SCORE, "full score (12)", "已满12分")                                                           \
    X(L_NO_DRIVER, "driver unknown", "驾驶员未知")                                                           \
    X(L_RISK_NOTE,                                                                                          \
      "Risk index = the sum over the vehicle's events of a weight per event: the event's penalty points "        \
      "(1-12); 1 for a violation without points (warning or fine only); 0 for a lead to review. Points are "    \
      "not added up per vehicle: they belong to drivers (see the drivers' points).",                             \
      "风险指数 = 该车各起事件权重之和：事件记分值（1–12分）；无记分的违规（仅警告或罚款）计1；待核查线索计0。" \
      "记分不按车辆累加：记分属于驾驶员（见驾驶员记分）。")                                                     \
    X(L_FILTER, "Filter", "筛选")                                                                            \
    X(L_FILTER_HINT, "plate, company, type...", "车牌、业户、类型…")                                         \
    X(L_SORT_HINT, "click a column title to sort", "点击列标题排序")                                          \
    X(L_IDS_MASKED, "ID-card numbers masked (first 6 and last 4 digits shown; --show-ids shows them)",        \
      "身份证号已脱敏（仅显示前6位和后4位；--show-ids 可显示完整号码）")                                         \
    X(L_DRIVER_SHEETS, "Driver sheets", "驾驶员违规单")                                                        \
    X(L_DRIVER_SHEET, "Driver", "驾驶员")                                                                     \
    X(L_VEHICLES_DRIVEN, "Vehicles", "驾驶车辆")                                                              \
    X(L_SIGNATURE, "Seen by (name, date)", "核查人（签名、日期）")                                             \
    X(L_FOOTER, "roadlog · rules and their basis: `roadlog rules`", "roadlog · 规则及依据：roadlog rules")      \
    X(L_SUM_SELF_CHECK, "Fleet self-check", "企业自查报告")                                                   \
    X(L_SUM_TITLE, "Road transport monitoring summary", "道路运输动态监控汇总")                                 \
    X(L_SUM_PERIOD, "Period", "时段")                                                                        \
    X(L_SUM_SOURCES, "Sources", "数据来源")                                                                  \
    X(L_SUM_ONCE, "repeated across runs, counted once by event_id", "跨批次重复、按事件编号只计一次")          \
    X(L_SUM_POP_REG, "Indicators over the vehicles of the registry", "指标口径：车辆登记表中的车辆")            \
    X(L_SUM_POP_SEEN, "Indicators over the vehicles seen in the data (no registry given)",                    \
      "指标口径：数据中出现的车辆（未提供登记表）")                                                           \
    X(L_SUM_INDICATORS, "Indicators", "考核指标")                                                            \
    X(L_SUM_INDICATOR, "Indicator", "指标")                                                                  \
    X(L_SUM_VALUE, "Value", "数值")                                                                          \
    X(L_SUM_RATIO, "Numerator / denominator", "分子 / 分母")                                                 \
    X(L_SUM_DEFINITION, "Definition", "口径")                                                                \
    X(L_SUM_ONLINE, "online", "上线车辆")                                                                    \
    X(L_SUM_TREND, "Events per day", "每日违规事件趋势")                                                      \
    X(L_SUM_DAY_BY_DAY, "Day by day", "每日趋势")                                                            \
    X(L_SUM_DAY, "Day", "日期")                                                                              \
    X(L_SUM_ONLINE_VEHICLES, "Online vehicles", "上线车辆")                                                  \
    X(L_SUM_SPEEDING, "Speeding", "超速")                                                                    \
    X(L_SUM_FATIGUE, "Fatigue", "疲劳驾驶")                                                                  \
    X(L_SUM_OTHER, "Other", "其他")                                                                          \
    X(L_SUM_BY_TYPE, "By type", "按违规类型")                                                                 \
    X(L_SUM_CODE, "Code", "代码")                                                                            \
    X(L_SUM_BY_CLASS, "By class", "按车辆类型")                                                               \
    X(L_SUM_ONLINE_SHORT, "Online", "上线")                                                                  \
    X(L_SUM_BY_COMPANY, "By company", "按业户")                                                              \
    X(L_SUM_FLEET, "The fleet's vehicles", "本企业车辆")                                                     \
    X(L_SUM_DAYS_ONLINE, "Days online", "上线天数")                                                          \
    X(L_SUM_KM, "km", "里程 km")                                                                             \
    X(L_SUM_REPEAT_VEHICLES_H, "<h2>Repeat offenders (≥ %d events)</h2>", "<h2>多次违规车辆（≥ %d 起）</h2>")   \
    X(L_SUM_REPEAT_DRIVERS_H, "<h2>Repeat drivers (≥ %d events)</h2>", "<h2>多次违规驾驶员（≥ %d 起）</h2>")   \
    X(L_SUM_SPEEDING_LC, "speeding", "超速")                                                                 \
    X(L_SUM_FATIGUE_LC, "fatigue", "疲劳驾驶")                                                               \
    X(L_SUM_OTHER_LC, "other", "其他")                                                                       \
    X(L_SUM_NVEH, "Vehicles", "车辆数")                                                                      \
    X(L_SUM_TYPE, "Type", "类型")                                                                            \
    /* the indicators' definitions, in the order of summary.h's SM_ONLINE .. SM_FATIGUE */                    \
    X(L_SUM_DEF_ONLINE, "vehicles with >= 1 accepted fix / vehicles", "有≥1个有效定位的车辆 ÷ 车辆总数")       \
    X(L_SUM_DEF_QUALITY, "accepted fixes / all fixes (after duplicates)", "有效定位点 ÷ 全部定位点（去重后）")   \
    X(L_SUM_DEF_COMPLETE, "km of no-gap intervals / km of all intervals", "无断点区间里程 ÷ 全部区间里程")      \
    X(L_SUM_DEF_DRIFT, "online vehicles with >= 1 drift fix / online vehicles", "有漂移点的上线车辆 ÷ 上线车辆") \
    X(L_SUM_DEF_SPEEDING, "speeding + night_speeding events / online vehicles", "超速与夜间超速事件 ÷ 上线车辆") \
    X(L_SUM_DEF_FATIGUE, "sum of (continuous driving - limit) / online vehicles",                              \
      "Σ(连续驾驶时长 − 限值) ÷ 上线车辆")                                                                      \
    X(L_SUM_TYPES, "Types", "类型")                                                                          \
    X(L_SUM_NVEHICLES, "Vehicles", "驾驶车辆数")                                                             \
    X(L_SUM_FIRST_PLATE, "Plate (first)", "车牌号（首次）")                                                 \
    X(L_SUM_FOLDER, "Folder or file", "目录或文件")                                                          \
    X(L_SUM_ZONE, "Zone", "时区")                                                                            \
    X(L_SUM_EVENTS_READ, "Events read", "读入事件")                                                          \
    X(L_SUM_NEW_EVENTS, "New events", "新事件")                                                              \
    X(L_SUM_VDAYS, "Vehicle-days", "车辆日记录")                                                             \
    X(L_XLSX_SHEET, "Events", "违规事件")                                                                    \
    X(L_XLSX_UNIT, "Unit", "单位")                                                                           \
    X(L_XLSX_BASIS, "Basis", "依据")                                                                         \
    X(L_XLSX_RULES_SHEET, "Rules and basis", "规则依据")                                                     \
    X(L_XLSX_RULE, "Rule", "规则")                                                                           \
    X(L_XLSX_COLOR, "Plate colour", "车牌颜色")                                                              \
    X(L_XLSX_START, "Start", "开始时间")                                                                     \
    X(L_XLSX_END, "End", "结束时间")                                                                         \
    X(L_XLSX_DURATION, "Duration (s)", "持续时长(秒)")                                                       \
    X(L_XLSX_START_LON, "Start lon", "起点经度")                                                             \
    X(L_XLSX_START_LAT, "Start lat", "起点纬度")                                                             \
    X(L_XLSX_END_LON, "End lon", "终点经度")                                                                 \
    X(L_XLSX_END_LAT, "End lat", "终点纬度")                                                                 \
    X(L_XLSX_VALUE, "Value", "实测值")                                                                       \
    X(L_XLSX_LIMIT, "Limit", "限值")                                                                         \
    X(L_XLSX_EXCESS, "Excess (%)", "超出比例(%)")                                                            \
    X(L_XLSX_SOURCE, "Source", "数据来源")                                                                   \
    X(L_XLSX_POINTS, "Evidence points", "证据点数")                                                          \
    X(L_XLSX_GPS_TIME, "GPS fix time", "最近定位时间")                                                        \
    X(L_XLSX_GPS_KM, "GPS fix to station (km)", "定位点距检测站(km)")                                        \
    X(L_ZONE_ID, "Zone id", "区域编号")                                                                      \
    X(L_ZONE_NAME, "Zone", "区域名称")                                                                       \
    X(L_STATUS, "Status", "状态")                                                                            \
    X(L_STATUS_CLOSED, "closed", "已结束")                                                                   \
    X(L_STATUS_OPEN, "open", "持续中")                \
    X(L_STATUS_WITHDRAWN, "withdrawn", "已撤销")                                                             \
    X(L_CASE_STATUS, "Case status", "案件状态")                                                               \
    /* terminal alarms (RULES.md §8): report.html, summary.html */                                            \
    X(L_AS_TITLE, "Terminal alarms per 100 vehicles", "终端报警（每百车）")                                   \
    X(L_AS_KIND, "Kind", "报警类别")                                                                         \
    X(L_AS_RULE, "Rule", "规则")                                                                             \
    X(L_AS_ALARMS, "Alarms", "报警数")                                                                       \
    X(L_AS_VEHICLES, "Vehicles", "车辆")                                                                     \
    X(L_AS_PER100, "Per 100 vehicles", "每百车")                                                             \
    X(L_AS_COMPANY_PER100, "Alarms per 100 vehicles", "报警每百车")                                          \
    X(L_AS_SHARE, "Share", "比例")                                                                           \
    X(L_AS_OF, "Of", "分子 / 分母")                                                                          \
    X(L_XC_TITLE, "Terminal cross-check", "终端核验")                                                        \
    X(L_XC_SPEEDING, "Speeding found with a terminal overspeed alarm", "超速（平台发现）有终端超速报警")      \
    X(L_XC_OVERSPEED, "Terminal overspeed alarms with speeding found", "终端超速报警有平台发现的超速")        \
    X(L_XC_FATIGUE, "Fatigue found with a terminal fatigue alarm", "疲劳驾驶（平台发现）有终端疲劳报警")      \
    X(L_XC_FATIGUE_ALARMS, "Terminal fatigue alarms with fatigue found", "终端疲劳报警有平台发现的疲劳驾驶") \
    X(L_XC_SILENT, "Vehicles with a silent terminal", "终端未报警车辆")                                       \
    /* a vehicle's line: printf format of 8 counts, in the order of alarm_xcheck */                          \
    X(L_XC_VEHICLE,                                                                                         \
      "speeding %u (%u with a terminal alarm) · terminal overspeed alarms %u (%u with speeding) · fatigue %u "   \
      "(%u with a terminal alarm) · terminal fatigue alarms %u (%u with fatigue)",                              \
      "超速 %u 次（其中终端报警 %u）· 终端超速报警 %u 次（其中平台超速 %u）· 疲劳驾驶 %u 次（其中终端报警 %u）· " \
      "终端疲劳报警 %u 次（其中平台疲劳 %u）")                                                                 \
    X(L_XC_NO_WORD, "no alarm word in the data", "无终端报警字段")

typedef enum {
#define I18N_ENUM(id, en, zh) id,
    I18N_LABELS(I18N_ENUM)
#undef I18N_ENUM
    L_COUNT
} label_id;

/* The text of a label in the document's language. */
const char *i18n_label(label_id id, bool zh);

/* Chinese documents?  --lang when given, else the first non-empty of
 * LC_ALL, LC_MESSAGES, LANG starting with "zh"; English otherwise. */
bool report_lang_zh(const char *opt_lang);
const char *report_type_label(event_type t, bool zh);   /* 超速 / Speeding */
const char *report_class_label(vehicle_class c, bool zh);
const char *report_color_label(int color, bool zh);     /* 黄 / yellow */
const char *report_road_label(int road_type, bool zh);  /* 高速公路 / expressway; "" for none */
/* A severity text as the detectors write it ("12 pts; 200-2000 yuan",
 * "warning or 20-200 yuan", "review") in the document's language:
 * "记12分；罚款200-2000元", "警告或罚款20-200元", "待核查". */
void report_severity_text(const char *severity, bool zh, char *out, size_t cap);
/* The unit of an event's value and limit: km/h, s, kg, persons, km. */
const char *report_unit(event_type t, bool zh);

#endif
